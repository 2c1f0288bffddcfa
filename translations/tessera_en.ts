<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en_US">
<context>
    <name>tessera::MainWindow</name>
    <message numerus="yes">
        <source>%n tile(s) (%1 × %2), each %3 × %4 px with halo
Output %5 × %6 px, about %7 MB per tile</source>
        <translation type="vanished">
            <numerusform>%n tile (%1 × %2), each %3 × %4 px with halo
Output %5 × %6 px, about %7 MB per tile</numerusform>
            <numerusform>%n tiles (%1 × %2), each %3 × %4 px with halo
Output %5 × %6 px, about %7 MB per tile</numerusform>
        </translation>
    </message>
</context>
</TS>
