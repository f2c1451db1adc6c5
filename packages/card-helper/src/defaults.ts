/** The loopback port the web app calls unless the server says otherwise. */
export const DEFAULT_HELPER_PORT = 18411;

/** Where OpenSC installs its PKCS#11 library (with JPKI support) on each system. */
export function defaultModulePath(platform: NodeJS.Platform = process.platform): string {
  if (platform === 'win32') return 'C:\\Windows\\System32\\opensc-pkcs11.dll';
  if (platform === 'darwin') return '/Library/OpenSC/lib/opensc-pkcs11.so';
  return '/usr/lib/x86_64-linux-gnu/opensc-pkcs11.so';
}
