<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="ja_JP">
<context>
    <name>QObject</name>
    <message>
        <source>%1 s</source>
        <translation>%1 秒</translation>
    </message>
    <message>
        <source>%1 min %2 s</source>
        <translation>%1 分 %2 秒</translation>
    </message>
    <message>
        <source>%1 h %2 min</source>
        <translation>%1 時間 %2 分</translation>
    </message>
    <message>
        <source>estimating…</source>
        <translation>見積もり中…</translation>
    </message>
    <message>
        <source>%1 s left</source>
        <translation>残り %1 秒</translation>
    </message>
    <message>
        <source>%1 min %2 s left</source>
        <translation>残り %1 分 %2 秒</translation>
    </message>
</context>
<context>
    <name>main</name>
    <message>
        <source>Seamless tiled image upscaling</source>
        <translation>継ぎ目のないタイル分割による画像拡大</translation>
    </message>
    <message>
        <source>Upscale model to select.</source>
        <translation>選択するアップスケールモデル。</translation>
    </message>
    <message>
        <source>file</source>
        <translation>ファイル</translation>
    </message>
    <message>
        <source>Image to open.</source>
        <translation>開く画像。</translation>
    </message>
    <message>
        <source>Save a picture of the window to a PNG file and quit.</source>
        <translation>ウィンドウの画像を PNG ファイルに保存して終了します。</translation>
    </message>
</context>
<context>
    <name>tessera::ExportDialog</name>
    <message>
        <source>Export Result</source>
        <translation>結果を書き出す</translation>
    </message>
    <message>
        <source>PNG</source>
        <translation>PNG</translation>
    </message>
    <message>
        <source>TIFF</source>
        <translation>TIFF</translation>
    </message>
    <message>
        <source>OpenEXR</source>
        <translation>OpenEXR</translation>
    </message>
    <message>
        <source>JPEG</source>
        <translation>JPEG</translation>
    </message>
    <message>
        <source>WebP</source>
        <translation>WebP</translation>
    </message>
    <message>
        <source>Browse…</source>
        <translation>参照…</translation>
    </message>
    <message>
        <source>Keep metadata and colour profile</source>
        <translation>メタデータとカラープロファイルを保持</translation>
    </message>
    <message>
        <source>File:</source>
        <translation>ファイル:</translation>
    </message>
    <message>
        <source>Format:</source>
        <translation>形式:</translation>
    </message>
    <message>
        <source>Bit depth:</source>
        <translation>ビット深度:</translation>
    </message>
    <message>
        <source>Quality:</source>
        <translation>品質:</translation>
    </message>
    <message>
        <source>32-bit float</source>
        <translation>32 ビット浮動小数点</translation>
    </message>
    <message>
        <source>16-bit half float</source>
        <translation>16 ビット半精度浮動小数点</translation>
    </message>
    <message>
        <source>%1-bit</source>
        <translation>%1 ビット</translation>
    </message>
</context>
<context>
    <name>tessera::ImageView</name>
    <message>
        <source>Open an image (Ctrl+O) or drop one here</source>
        <translation>画像を開く (Ctrl+O) か、ここにドロップしてください</translation>
    </message>
    <message>
        <source>Before</source>
        <translation>処理前</translation>
    </message>
    <message>
        <source>After</source>
        <translation>処理後</translation>
    </message>
</context>
<context>
    <name>tessera::MainWindow</name>
    <message>
        <source>Zoom %1%</source>
        <translation>ズーム %1%</translation>
    </message>
    <message>
        <source>x %1, y %2: %3</source>
        <translation>x %1, y %2: %3</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>ファイル(&amp;F)</translation>
    </message>
    <message>
        <source>&amp;Open…</source>
        <translation>開く(&amp;O)…</translation>
    </message>
    <message>
        <source>Open &amp;Recent</source>
        <translation>最近使ったファイル(&amp;R)</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>終了(&amp;Q)</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>表示(&amp;V)</translation>
    </message>
    <message>
        <source>Zoom &amp;In</source>
        <translation>拡大(&amp;I)</translation>
    </message>
    <message>
        <source>Zoom &amp;Out</source>
        <translation>縮小(&amp;O)</translation>
    </message>
    <message>
        <source>&amp;Fit to Window</source>
        <translation>ウィンドウに合わせる(&amp;F)</translation>
    </message>
    <message>
        <source>&amp;Actual Size (100%)</source>
        <translation>実際のサイズ (100%)(&amp;A)</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>ヘルプ(&amp;H)</translation>
    </message>
    <message>
        <source>&amp;About Tessera</source>
        <translation>Tessera について(&amp;A)</translation>
    </message>
    <message>
        <source>Open Image</source>
        <translation>画像を開く</translation>
    </message>
    <message>
        <source>Images (*.png *.jpg *.jpeg *.tif *.tiff *.exr *.webp *.bmp *.tga *.hdr *.dpx);;All files (*)</source>
        <translation>画像 (*.png *.jpg *.jpeg *.tif *.tiff *.exr *.webp *.bmp *.tga *.hdr *.dpx);;すべてのファイル (*)</translation>
    </message>
    <message>
        <source>Cannot open image</source>
        <translation>画像を開けません</translation>
    </message>
    <message>
        <source>%1 × %2, %3 channels, %4</source>
        <translation>%1 × %2、%3 チャンネル、%4</translation>
    </message>
    <message>
        <source>Tessera</source>
        <translation>Tessera</translation>
    </message>
    <message>
        <source>%1 — Tessera</source>
        <translation>%1 — Tessera</translation>
    </message>
    <message>
        <source>About Tessera</source>
        <translation>Tessera について</translation>
    </message>
    <message>
        <source>Upscale</source>
        <translation>拡大</translation>
    </message>
    <message>
        <source>Preview failed: %1</source>
        <translation>プレビューに失敗しました: %1</translation>
    </message>
    <message>
        <source>Upscale failed</source>
        <translation>拡大に失敗しました</translation>
    </message>
    <message>
        <source>Cancelled.</source>
        <translation>キャンセルしました。</translation>
    </message>
    <message>
        <source>&amp;Export Result…</source>
        <translation>結果を書き出す(&amp;E)…</translation>
    </message>
    <message>
        <source>Show Tile &amp;Grid</source>
        <translation>タイルグリッドを表示(&amp;G)</translation>
    </message>
    <message>
        <source>&amp;Compare Before/After</source>
        <translation>前後を比較(&amp;C)</translation>
    </message>
    <message>
        <source>&amp;Presets</source>
        <translation>プリセット(&amp;P)</translation>
    </message>
    <message>
        <source>&amp;Save Tile Settings as Preset…</source>
        <translation>タイル設定をプリセットとして保存(&amp;S)…</translation>
    </message>
    <message>
        <source>&amp;Load Preset…</source>
        <translation>プリセットを読み込む(&amp;L)…</translation>
    </message>
    <message>
        <source>&amp;Edit</source>
        <translation>編集(&amp;E)</translation>
    </message>
    <message>
        <source>&amp;Preferences…</source>
        <translation>環境設定(&amp;P)…</translation>
    </message>
    <message>
        <source>Upscale running</source>
        <translation>拡大を実行中</translation>
    </message>
    <message>
        <source>Cancel the running upscale before opening another image.</source>
        <translation>別の画像を開く前に、実行中の拡大をキャンセルしてください。</translation>
    </message>
    <message>
        <source>Open an image to see its tiles.</source>
        <translation>画像を開くとタイルが表示されます。</translation>
    </message>
    <message numerus="yes">
        <source>%n tile(s) (%1 × %2), each %3 × %4 px with halo
Output %5 × %6 px, about %7 MB per tile</source>
        <translation>
            <numerusform>%n 個のタイル (%1 × %2)、ハロー込みで各 %3 × %4 px
出力 %5 × %6 px、タイルあたり約 %7 MB</numerusform>
        </translation>
    </message>
    <message>
        <source>About %1 for the whole image</source>
        <translation>画像全体で約 %1</translation>
    </message>
    <message>
        <source>Hover over the image to preview a tile and estimate the time.</source>
        <translation>画像の上にカーソルを置くと、タイルをプレビューして所要時間を見積もります。</translation>
    </message>
    <message>
        <source>No image</source>
        <translation>画像がありません</translation>
    </message>
    <message>
        <source>Open an image to upscale first.</source>
        <translation>まず拡大する画像を開いてください。</translation>
    </message>
    <message>
        <source>No model</source>
        <translation>モデルがありません</translation>
    </message>
    <message>
        <source>No upscale model was found in %1. Run scripts/fetch_models.sh or put .pth, .safetensors or ncnn models there.</source>
        <translation>%1 にアップスケールモデルが見つかりません。scripts/fetch_models.sh を実行するか、.pth、.safetensors、ncnn モデルをそこに置いてください。</translation>
    </message>
    <message>
        <source>Upscaled to %1 × %2. %3</source>
        <translation>%1 × %2 に拡大しました。%3</translation>
    </message>
    <message>
        <source>Exported %1</source>
        <translation>%1 を書き出しました</translation>
    </message>
    <message>
        <source>Export failed</source>
        <translation>書き出しに失敗しました</translation>
    </message>
    <message>
        <source>Save Preset</source>
        <translation>プリセットを保存</translation>
    </message>
    <message>
        <source>Preset name:</source>
        <translation>プリセット名:</translation>
    </message>
    <message>
        <source>Presets</source>
        <translation>プリセット</translation>
    </message>
    <message>
        <source>No presets saved yet.</source>
        <translation>保存されたプリセットはまだありません。</translation>
    </message>
    <message>
        <source>Load Preset</source>
        <translation>プリセットを読み込む</translation>
    </message>
    <message>
        <source>Preset:</source>
        <translation>プリセット:</translation>
    </message>
    <message>
        <source>&lt;h3&gt;Tessera %1&lt;/h3&gt;&lt;p&gt;Seamless tiled upscaling and refinement of images with neural networks.&lt;/p&gt;&lt;p&gt;Models folder: %2&lt;/p&gt;</source>
        <translation>&lt;h3&gt;Tessera %1&lt;/h3&gt;&lt;p&gt;ニューラルネットワークによる、継ぎ目のないタイル分割の画像拡大と補正。&lt;/p&gt;&lt;p&gt;モデルフォルダー: %2&lt;/p&gt;</translation>
    </message>
    <message>
        <source>Exporting…</source>
        <translation>書き出し中…</translation>
    </message>
    <message>
        <source>Cannot use model</source>
        <translation>モデルを使用できません</translation>
    </message>
    <message>
        <source>%1 is not a model Tessera can load.</source>
        <translation>%1 は Tessera が読み込めるモデルではありません。</translation>
    </message>
    <message>
        <source>Tessera could not export the result.

%1

Any earlier file there is unchanged.</source>
        <translation>結果を書き出せませんでした。

%1

既存のファイルは変更されていません。</translation>
    </message>
    <message>
        <source>Cannot load the model: %1</source>
        <translation>モデルを読み込めません: %1</translation>
    </message>
    <message>
        <source>Error</source>
        <translation>エラー</translation>
    </message>
    <message>
        <source>Opening %1…</source>
        <translation>%1 を開いています…</translation>
    </message>
    <message>
        <source>Cannot plan tiles</source>
        <translation>タイルを計画できません</translation>
    </message>
    <message>
        <source>The tile settings do not make a plan for this image.</source>
        <translation>このタイル設定ではこの画像のタイル計画を作成できません。</translation>
    </message>
</context>
<context>
    <name>tessera::PreferencesDialog</name>
    <message>
        <source>Preferences</source>
        <translation>環境設定</translation>
    </message>
    <message>
        <source>System language</source>
        <translation>システムの言語</translation>
    </message>
    <message>
        <source>Default: $TESSERA_MODELS or ~/.local/share/tessera/models</source>
        <translation>既定: $TESSERA_MODELS または ~/.local/share/tessera/models</translation>
    </message>
    <message>
        <source>Browse…</source>
        <translation>参照…</translation>
    </message>
    <message>
        <source>Language:</source>
        <translation>言語:</translation>
    </message>
    <message>
        <source>Models folder:</source>
        <translation>モデルフォルダー:</translation>
    </message>
    <message>
        <source>A new language applies when Tessera starts again.</source>
        <translation>新しい言語は Tessera の次回起動時に適用されます。</translation>
    </message>
    <message>
        <source>Models Folder</source>
        <translation>モデルフォルダー</translation>
    </message>
</context>
<context>
    <name>tessera::UpscalePanel</name>
    <message>
        <source>Model</source>
        <translation>モデル</translation>
    </message>
    <message>
        <source>CPU</source>
        <translation>CPU</translation>
    </message>
    <message>
        <source>fp32 (exact)</source>
        <translation>fp32 (正確)</translation>
    </message>
    <message>
        <source>fp16 (fast, GPU)</source>
        <translation>fp16 (高速、GPU)</translation>
    </message>
    <message>
        <source>bf16 (fast, GPU)</source>
        <translation>bf16 (高速、GPU)</translation>
    </message>
    <message>
        <source>Model:</source>
        <translation>モデル:</translation>
    </message>
    <message>
        <source>Device:</source>
        <translation>デバイス:</translation>
    </message>
    <message>
        <source>Precision:</source>
        <translation>精度:</translation>
    </message>
    <message>
        <source>Tiles</source>
        <translation>タイル</translation>
    </message>
    <message>
        <source> px</source>
        <translation> px</translation>
    </message>
    <message>
        <source>Tile size S: each tile infers an S × S area. Larger tiles are faster but need more memory.</source>
        <translation>タイルサイズ S: 各タイルが S × S の領域を推論します。大きいタイルほど速いですが、より多くのメモリが必要です。</translation>
    </message>
    <message>
        <source>Overlap O: neighbouring tiles share O pixels and are blended across them.</source>
        <translation>オーバーラップ O: 隣り合うタイルが O ピクセルを共有し、その範囲でブレンドされます。</translation>
    </message>
    <message>
        <source>Halo P: pixels of real context around each tile, cropped after inference. With too small a halo, seams appear.</source>
        <translation>ハロー P: 各タイルの周囲にある実際の文脈ピクセル。推論後に切り取られます。ハローが小さすぎると継ぎ目が現れます。</translation>
    </message>
    <message>
        <source>Smoothstep</source>
        <translation>スムーズステップ</translation>
    </message>
    <message>
        <source>Linear</source>
        <translation>線形</translation>
    </message>
    <message>
        <source>Gaussian</source>
        <translation>ガウス</translation>
    </message>
    <message>
        <source>Model&apos;s own</source>
        <translation>モデル既定</translation>
    </message>
    <message>
        <source>Show tile grid</source>
        <translation>タイルグリッドを表示</translation>
    </message>
    <message>
        <source>Live preview of the tile under the cursor</source>
        <translation>カーソル下のタイルをライブプレビュー</translation>
    </message>
    <message>
        <source>Tile size:</source>
        <translation>タイルサイズ:</translation>
    </message>
    <message>
        <source>Overlap:</source>
        <translation>オーバーラップ:</translation>
    </message>
    <message>
        <source>Halo:</source>
        <translation>ハロー:</translation>
    </message>
    <message>
        <source>Blend:</source>
        <translation>ブレンド:</translation>
    </message>
    <message>
        <source>Output scale:</source>
        <translation>出力倍率:</translation>
    </message>
    <message>
        <source>&amp;Upscale</source>
        <translation>拡大する(&amp;U)</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>キャンセル</translation>
    </message>
    <message>
        <source>&amp;Export…</source>
        <translation>書き出し(&amp;E)…</translation>
    </message>
    <message>
        <source>No models found.</source>
        <translation>モデルが見つかりません。</translation>
    </message>
    <message>
        <source>%1, ×%2, %3 parameters, %4</source>
        <translation>%1、×%2、パラメーター数 %3、%4</translation>
    </message>
    <message>
        <source>Auto</source>
        <translation>自動</translation>
    </message>
    <message>
        <source>Auto (10%)</source>
        <translation>自動 (10%)</translation>
    </message>
</context>
</TS>
