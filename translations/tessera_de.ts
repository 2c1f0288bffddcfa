<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="de_DE">
<context>
    <name>QObject</name>
    <message>
        <source>%1 s</source>
        <translation>%1 s</translation>
    </message>
    <message>
        <source>%1 min %2 s</source>
        <translation>%1 min %2 s</translation>
    </message>
    <message>
        <source>%1 h %2 min</source>
        <translation>%1 h %2 min</translation>
    </message>
    <message>
        <source>estimating…</source>
        <translation>wird geschätzt …</translation>
    </message>
    <message>
        <source>%1 s left</source>
        <translation>noch %1 s</translation>
    </message>
    <message>
        <source>%1 min %2 s left</source>
        <translation>noch %1 min %2 s</translation>
    </message>
</context>
<context>
    <name>main</name>
    <message>
        <source>Seamless tiled image upscaling</source>
        <translation>Nahtlose gekachelte Bildvergrößerung</translation>
    </message>
    <message>
        <source>Upscale model to select.</source>
        <translation>Auszuwählendes Vergrößerungsmodell.</translation>
    </message>
    <message>
        <source>file</source>
        <translation>Datei</translation>
    </message>
    <message>
        <source>Image to open.</source>
        <translation>Zu öffnendes Bild.</translation>
    </message>
    <message>
        <source>Save a picture of the window to a PNG file and quit.</source>
        <translation>Ein Bild des Fensters als PNG-Datei speichern und beenden.</translation>
    </message>
</context>
<context>
    <name>tessera::ExportDialog</name>
    <message>
        <source>Export Result</source>
        <translation>Ergebnis exportieren</translation>
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
        <translation>Durchsuchen …</translation>
    </message>
    <message>
        <source>Keep metadata and colour profile</source>
        <translation>Metadaten und Farbprofil behalten</translation>
    </message>
    <message>
        <source>File:</source>
        <translation>Datei:</translation>
    </message>
    <message>
        <source>Format:</source>
        <translation>Format:</translation>
    </message>
    <message>
        <source>Bit depth:</source>
        <translation>Bittiefe:</translation>
    </message>
    <message>
        <source>Quality:</source>
        <translation>Qualität:</translation>
    </message>
    <message>
        <source>32-bit float</source>
        <translation>32 Bit Gleitkomma</translation>
    </message>
    <message>
        <source>16-bit half float</source>
        <translation>16 Bit Half-Float</translation>
    </message>
    <message>
        <source>%1-bit</source>
        <translation>%1 Bit</translation>
    </message>
</context>
<context>
    <name>tessera::ImageView</name>
    <message>
        <source>Open an image (Ctrl+O) or drop one here</source>
        <translation>Bild öffnen (Strg+O) oder hierher ziehen</translation>
    </message>
    <message>
        <source>Before</source>
        <translation>Vorher</translation>
    </message>
    <message>
        <source>After</source>
        <translation>Nachher</translation>
    </message>
</context>
<context>
    <name>tessera::MainWindow</name>
    <message>
        <source>Zoom %1%</source>
        <translation>Zoom %1 %</translation>
    </message>
    <message>
        <source>x %1, y %2: %3</source>
        <translation>x %1, y %2: %3</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>&amp;Datei</translation>
    </message>
    <message>
        <source>&amp;Open…</source>
        <translation>Ö&amp;ffnen …</translation>
    </message>
    <message>
        <source>Open &amp;Recent</source>
        <translation>&amp;Zuletzt geöffnet</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>&amp;Beenden</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>&amp;Ansicht</translation>
    </message>
    <message>
        <source>Zoom &amp;In</source>
        <translation>Ver&amp;größern</translation>
    </message>
    <message>
        <source>Zoom &amp;Out</source>
        <translation>Ver&amp;kleinern</translation>
    </message>
    <message>
        <source>&amp;Fit to Window</source>
        <translation>An &amp;Fenster anpassen</translation>
    </message>
    <message>
        <source>&amp;Actual Size (100%)</source>
        <translation>&amp;Originalgröße (100 %)</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>&amp;Hilfe</translation>
    </message>
    <message>
        <source>&amp;About Tessera</source>
        <translation>Ü&amp;ber Tessera</translation>
    </message>
    <message>
        <source>Open Image</source>
        <translation>Bild öffnen</translation>
    </message>
    <message>
        <source>Images (*.png *.jpg *.jpeg *.tif *.tiff *.exr *.webp *.bmp *.tga *.hdr *.dpx);;All files (*)</source>
        <translation>Bilder (*.png *.jpg *.jpeg *.tif *.tiff *.exr *.webp *.bmp *.tga *.hdr *.dpx);;Alle Dateien (*)</translation>
    </message>
    <message>
        <source>Cannot open image</source>
        <translation>Bild kann nicht geöffnet werden</translation>
    </message>
    <message>
        <source>%1 × %2, %3 channels, %4</source>
        <translation>%1 × %2, %3 Kanäle, %4</translation>
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
        <translation>Über Tessera</translation>
    </message>
    <message>
        <source>Upscale</source>
        <translation>Vergrößern</translation>
    </message>
    <message>
        <source>Preview failed: %1</source>
        <translation>Vorschau fehlgeschlagen: %1</translation>
    </message>
    <message>
        <source>Upscale failed</source>
        <translation>Vergrößerung fehlgeschlagen</translation>
    </message>
    <message>
        <source>Cancelled.</source>
        <translation>Abgebrochen.</translation>
    </message>
    <message>
        <source>&amp;Export Result…</source>
        <translation>Ergebnis &amp;exportieren …</translation>
    </message>
    <message>
        <source>Show Tile &amp;Grid</source>
        <translation>Kachel&amp;raster anzeigen</translation>
    </message>
    <message>
        <source>&amp;Compare Before/After</source>
        <translation>&amp;Vorher/Nachher vergleichen</translation>
    </message>
    <message>
        <source>&amp;Presets</source>
        <translation>&amp;Voreinstellungen</translation>
    </message>
    <message>
        <source>&amp;Save Tile Settings as Preset…</source>
        <translation>Kachel-Einstellungen als Voreinstellung &amp;speichern …</translation>
    </message>
    <message>
        <source>&amp;Load Preset…</source>
        <translation>Voreinstellung &amp;laden …</translation>
    </message>
    <message>
        <source>&amp;Edit</source>
        <translation>&amp;Bearbeiten</translation>
    </message>
    <message>
        <source>&amp;Preferences…</source>
        <translation>&amp;Einstellungen …</translation>
    </message>
    <message>
        <source>Upscale running</source>
        <translation>Vergrößerung läuft</translation>
    </message>
    <message>
        <source>Cancel the running upscale before opening another image.</source>
        <translation>Brechen Sie die laufende Vergrößerung ab, bevor Sie ein anderes Bild öffnen.</translation>
    </message>
    <message>
        <source>Open an image to see its tiles.</source>
        <translation>Öffnen Sie ein Bild, um seine Kacheln zu sehen.</translation>
    </message>
    <message numerus="yes">
        <source>%n tile(s) (%1 × %2), each %3 × %4 px with halo
Output %5 × %6 px, about %7 MB per tile</source>
        <translation>
            <numerusform>%n Kachel (%1 × %2), je %3 × %4 px mit Rand
Ausgabe %5 × %6 px, etwa %7 MB pro Kachel</numerusform>
            <numerusform>%n Kacheln (%1 × %2), je %3 × %4 px mit Rand
Ausgabe %5 × %6 px, etwa %7 MB pro Kachel</numerusform>
        </translation>
    </message>
    <message>
        <source>About %1 for the whole image</source>
        <translation>Etwa %1 für das ganze Bild</translation>
    </message>
    <message>
        <source>Hover over the image to preview a tile and estimate the time.</source>
        <translation>Fahren Sie mit der Maus über das Bild, um eine Kachel vorab zu sehen und die Zeit zu schätzen.</translation>
    </message>
    <message>
        <source>No image</source>
        <translation>Kein Bild</translation>
    </message>
    <message>
        <source>Open an image to upscale first.</source>
        <translation>Öffnen Sie zuerst ein zu vergrößerndes Bild.</translation>
    </message>
    <message>
        <source>No model</source>
        <translation>Kein Modell</translation>
    </message>
    <message>
        <source>No upscale model was found in %1. Run scripts/fetch_models.sh or put .pth, .safetensors or ncnn models there.</source>
        <translation>In %1 wurde kein Vergrößerungsmodell gefunden. Führen Sie scripts/fetch_models.sh aus oder legen Sie dort .pth-, .safetensors- oder ncnn-Modelle ab.</translation>
    </message>
    <message>
        <source>Upscaled to %1 × %2. %3</source>
        <translation>Auf %1 × %2 vergrößert. %3</translation>
    </message>
    <message>
        <source>Exported %1</source>
        <translation>%1 exportiert</translation>
    </message>
    <message>
        <source>Export failed</source>
        <translation>Export fehlgeschlagen</translation>
    </message>
    <message>
        <source>Save Preset</source>
        <translation>Voreinstellung speichern</translation>
    </message>
    <message>
        <source>Preset name:</source>
        <translation>Name der Voreinstellung:</translation>
    </message>
    <message>
        <source>Presets</source>
        <translation>Voreinstellungen</translation>
    </message>
    <message>
        <source>No presets saved yet.</source>
        <translation>Noch keine Voreinstellungen gespeichert.</translation>
    </message>
    <message>
        <source>Load Preset</source>
        <translation>Voreinstellung laden</translation>
    </message>
    <message>
        <source>Preset:</source>
        <translation>Voreinstellung:</translation>
    </message>
    <message>
        <source>&lt;h3&gt;Tessera %1&lt;/h3&gt;&lt;p&gt;Seamless tiled upscaling and refinement of images with neural networks.&lt;/p&gt;&lt;p&gt;Models folder: %2&lt;/p&gt;</source>
        <translation>&lt;h3&gt;Tessera %1&lt;/h3&gt;&lt;p&gt;Nahtlose gekachelte Vergrößerung und Verfeinerung von Bildern mit neuronalen Netzen.&lt;/p&gt;&lt;p&gt;Modellordner: %2&lt;/p&gt;</translation>
    </message>
    <message>
        <source>Exporting…</source>
        <translation>Exportieren…</translation>
    </message>
    <message>
        <source>Cannot use model</source>
        <translation>Modell nicht verwendbar</translation>
    </message>
    <message>
        <source>%1 is not a model Tessera can load.</source>
        <translation>%1 ist kein Modell, das Tessera laden kann.</translation>
    </message>
    <message>
        <source>Tessera could not export the result.

%1

Any earlier file there is unchanged.</source>
        <translation>Tessera konnte das Ergebnis nicht exportieren.

%1

Eine frühere Datei an dieser Stelle ist unverändert.</translation>
    </message>
    <message>
        <source>Cannot load the model: %1</source>
        <translation>Das Modell kann nicht geladen werden: %1</translation>
    </message>
    <message>
        <source>Error</source>
        <translation>Fehler</translation>
    </message>
    <message>
        <source>Opening %1…</source>
        <translation>%1 wird geöffnet…</translation>
    </message>
    <message>
        <source>Cannot plan tiles</source>
        <translation>Kacheln können nicht geplant werden</translation>
    </message>
    <message>
        <source>The tile settings do not make a plan for this image.</source>
        <translation>Mit diesen Kacheleinstellungen lässt sich für dieses Bild kein Plan erstellen.</translation>
    </message>
</context>
<context>
    <name>tessera::PreferencesDialog</name>
    <message>
        <source>Preferences</source>
        <translation>Einstellungen</translation>
    </message>
    <message>
        <source>System language</source>
        <translation>Systemsprache</translation>
    </message>
    <message>
        <source>Default: $TESSERA_MODELS or ~/.local/share/tessera/models</source>
        <translation>Standard: $TESSERA_MODELS oder ~/.local/share/tessera/models</translation>
    </message>
    <message>
        <source>Browse…</source>
        <translation>Durchsuchen …</translation>
    </message>
    <message>
        <source>Language:</source>
        <translation>Sprache:</translation>
    </message>
    <message>
        <source>Models folder:</source>
        <translation>Modellordner:</translation>
    </message>
    <message>
        <source>A new language applies when Tessera starts again.</source>
        <translation>Eine neue Sprache gilt ab dem nächsten Start von Tessera.</translation>
    </message>
    <message>
        <source>Models Folder</source>
        <translation>Modellordner</translation>
    </message>
</context>
<context>
    <name>tessera::UpscalePanel</name>
    <message>
        <source>Model</source>
        <translation>Modell</translation>
    </message>
    <message>
        <source>CPU</source>
        <translation>CPU</translation>
    </message>
    <message>
        <source>fp32 (exact)</source>
        <translation>fp32 (exakt)</translation>
    </message>
    <message>
        <source>fp16 (fast, GPU)</source>
        <translation>fp16 (schnell, GPU)</translation>
    </message>
    <message>
        <source>bf16 (fast, GPU)</source>
        <translation>bf16 (schnell, GPU)</translation>
    </message>
    <message>
        <source>Model:</source>
        <translation>Modell:</translation>
    </message>
    <message>
        <source>Device:</source>
        <translation>Gerät:</translation>
    </message>
    <message>
        <source>Precision:</source>
        <translation>Genauigkeit:</translation>
    </message>
    <message>
        <source>Tiles</source>
        <translation>Kacheln</translation>
    </message>
    <message>
        <source> px</source>
        <translation> px</translation>
    </message>
    <message>
        <source>Tile size S: each tile infers an S × S area. Larger tiles are faster but need more memory.</source>
        <translation>Kachelgröße S: jede Kachel berechnet eine Fläche von S × S. Größere Kacheln sind schneller, brauchen aber mehr Speicher.</translation>
    </message>
    <message>
        <source>Overlap O: neighbouring tiles share O pixels and are blended across them.</source>
        <translation>Überlappung O: benachbarte Kacheln teilen sich O Pixel und werden darüber überblendet.</translation>
    </message>
    <message>
        <source>Halo P: pixels of real context around each tile, cropped after inference. With too small a halo, seams appear.</source>
        <translation>Rand P: Pixel echten Kontexts um jede Kachel, nach der Inferenz abgeschnitten. Ist der Rand zu klein, werden Nähte sichtbar.</translation>
    </message>
    <message>
        <source>Smoothstep</source>
        <translation>Smoothstep</translation>
    </message>
    <message>
        <source>Linear</source>
        <translation>Linear</translation>
    </message>
    <message>
        <source>Gaussian</source>
        <translation>Gauß</translation>
    </message>
    <message>
        <source>Model&apos;s own</source>
        <translation>Wie Modell</translation>
    </message>
    <message>
        <source>Show tile grid</source>
        <translation>Kachelraster anzeigen</translation>
    </message>
    <message>
        <source>Live preview of the tile under the cursor</source>
        <translation>Live-Vorschau der Kachel unter dem Mauszeiger</translation>
    </message>
    <message>
        <source>Tile size:</source>
        <translation>Kachelgröße:</translation>
    </message>
    <message>
        <source>Overlap:</source>
        <translation>Überlappung:</translation>
    </message>
    <message>
        <source>Halo:</source>
        <translation>Rand:</translation>
    </message>
    <message>
        <source>Blend:</source>
        <translation>Überblendung:</translation>
    </message>
    <message>
        <source>Output scale:</source>
        <translation>Ausgabefaktor:</translation>
    </message>
    <message>
        <source>&amp;Upscale</source>
        <translation>&amp;Vergrößern</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Abbrechen</translation>
    </message>
    <message>
        <source>&amp;Export…</source>
        <translation>&amp;Exportieren …</translation>
    </message>
    <message>
        <source>No models found.</source>
        <translation>Keine Modelle gefunden.</translation>
    </message>
    <message>
        <source>%1, ×%2, %3 parameters, %4</source>
        <translation>%1, ×%2, %3 Parameter, %4</translation>
    </message>
    <message>
        <source>Auto</source>
        <translation>Auto</translation>
    </message>
    <message>
        <source>Auto (10%)</source>
        <translation>Auto (10 %)</translation>
    </message>
</context>
</TS>
