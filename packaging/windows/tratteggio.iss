; Inno Setup script for the Windows installer: the PyInstaller folder (dist\tratteggio) under
; Program Files, a Start menu entry, "Open with" for photos and Tratteggio projects, an uninstaller.
; Built by .github/workflows/installers.yml:  iscc /DVersion=0.1.0 packaging\windows\tratteggio.iss
; Silent install and uninstall (tested there):  setup.exe /VERYSILENT /SUPPRESSMSGBOXES /NORESTART
;                                               unins000.exe /VERYSILENT /SUPPRESSMSGBOXES

#ifndef Version
  #define Version "0.1.0"
#endif

[Setup]
AppId={{6C1E1E4B-2F0B-4C57-9C7A-7E2A9A1F0D11}
AppName=Tratteggio
AppVersion={#Version}
AppPublisher=Tratteggio developers
DefaultDirName={autopf}\Tratteggio
DefaultGroupName=Tratteggio
DisableProgramGroupPage=yes
OutputDir=..\..\dist
OutputBaseFilename=Tratteggio-{#Version}-setup
SetupIconFile=..\icons\tratteggio.ico
UninstallDisplayIcon={app}\tratteggio-studio.exe
Compression=lzma2/max
SolidCompression=yes
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=dialog
ChangesAssociations=yes
WizardStyle=modern

[Files]
Source: "..\..\dist\tratteggio\*"; DestDir: "{app}"; Flags: recursesubdirs createallsubdirs ignoreversion

[Icons]
Name: "{autoprograms}\Tratteggio"; Filename: "{app}\tratteggio-studio.exe"
Name: "{autodesktop}\Tratteggio"; Filename: "{app}\tratteggio-studio.exe"; Tasks: desktopicon

[Tasks]
Name: "desktopicon"; Description: "Create a desktop shortcut"; Flags: unchecked

[Registry]
; the application, offered under "Open with" for the types it supports
Root: HKA; Subkey: "Software\Classes\Applications\tratteggio-studio.exe"; ValueType: string; ValueName: "FriendlyAppName"; ValueData: "Tratteggio"; Flags: uninsdeletekey
Root: HKA; Subkey: "Software\Classes\Applications\tratteggio-studio.exe\shell\open\command"; ValueType: string; ValueData: """{app}\tratteggio-studio.exe"" ""%1"""
Root: HKA; Subkey: "Software\Classes\Applications\tratteggio-studio.exe\SupportedTypes"; ValueType: string; ValueName: ".png"; ValueData: ""
Root: HKA; Subkey: "Software\Classes\Applications\tratteggio-studio.exe\SupportedTypes"; ValueType: string; ValueName: ".jpg"; ValueData: ""
Root: HKA; Subkey: "Software\Classes\Applications\tratteggio-studio.exe\SupportedTypes"; ValueType: string; ValueName: ".jpeg"; ValueData: ""
Root: HKA; Subkey: "Software\Classes\Applications\tratteggio-studio.exe\SupportedTypes"; ValueType: string; ValueName: ".tif"; ValueData: ""
Root: HKA; Subkey: "Software\Classes\Applications\tratteggio-studio.exe\SupportedTypes"; ValueType: string; ValueName: ".tiff"; ValueData: ""
Root: HKA; Subkey: "Software\Classes\Applications\tratteggio-studio.exe\SupportedTypes"; ValueType: string; ValueName: ".webp"; ValueData: ""
Root: HKA; Subkey: "Software\Classes\Applications\tratteggio-studio.exe\SupportedTypes"; ValueType: string; ValueName: ".bmp"; ValueData: ""
Root: HKA; Subkey: "Software\Classes\Applications\tratteggio-studio.exe\SupportedTypes"; ValueType: string; ValueName: ".tratteggio"; ValueData: ""
; a photo's "Open with" list names Tratteggio; photos keep their default program
Root: HKA; Subkey: "Software\Classes\Tratteggio.Image"; ValueType: string; ValueData: "Photo"; Flags: uninsdeletekey
Root: HKA; Subkey: "Software\Classes\Tratteggio.Image\shell\open\command"; ValueType: string; ValueData: """{app}\tratteggio-studio.exe"" ""%1"""
Root: HKA; Subkey: "Software\Classes\.png\OpenWithProgids"; ValueType: string; ValueName: "Tratteggio.Image"; ValueData: ""; Flags: uninsdeletevalue
Root: HKA; Subkey: "Software\Classes\.jpg\OpenWithProgids"; ValueType: string; ValueName: "Tratteggio.Image"; ValueData: ""; Flags: uninsdeletevalue
Root: HKA; Subkey: "Software\Classes\.jpeg\OpenWithProgids"; ValueType: string; ValueName: "Tratteggio.Image"; ValueData: ""; Flags: uninsdeletevalue
Root: HKA; Subkey: "Software\Classes\.tif\OpenWithProgids"; ValueType: string; ValueName: "Tratteggio.Image"; ValueData: ""; Flags: uninsdeletevalue
Root: HKA; Subkey: "Software\Classes\.tiff\OpenWithProgids"; ValueType: string; ValueName: "Tratteggio.Image"; ValueData: ""; Flags: uninsdeletevalue
Root: HKA; Subkey: "Software\Classes\.webp\OpenWithProgids"; ValueType: string; ValueName: "Tratteggio.Image"; ValueData: ""; Flags: uninsdeletevalue
Root: HKA; Subkey: "Software\Classes\.bmp\OpenWithProgids"; ValueType: string; ValueName: "Tratteggio.Image"; ValueData: ""; Flags: uninsdeletevalue
; the project type is Tratteggio's own: it opens in Tratteggio by default
Root: HKA; Subkey: "Software\Classes\.tratteggio"; ValueType: string; ValueData: "Tratteggio.Project"; Flags: uninsdeletevalue
Root: HKA; Subkey: "Software\Classes\Tratteggio.Project"; ValueType: string; ValueData: "Tratteggio project"; Flags: uninsdeletekey
Root: HKA; Subkey: "Software\Classes\Tratteggio.Project\DefaultIcon"; ValueType: string; ValueData: "{app}\tratteggio-studio.exe,0"
Root: HKA; Subkey: "Software\Classes\Tratteggio.Project\shell\open\command"; ValueType: string; ValueData: """{app}\tratteggio-studio.exe"" ""%1"""

[Run]
Filename: "{app}\tratteggio-studio.exe"; Description: "Start Tratteggio"; Flags: nowait postinstall skipifsilent
