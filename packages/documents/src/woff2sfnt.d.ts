declare module 'woff2sfnt-sfnt2woff' {
  const converter: { toSfnt(woff: Uint8Array): Uint8Array; toWoff(sfnt: Uint8Array): Uint8Array };
  export default converter;
}
