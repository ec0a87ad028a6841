// hls.js ships types for its full build only; the light build (no subtitles, DRM or alternate
// audio, none of which a camera stream has) has the same API.
declare module 'hls.js/light' {
  export * from 'hls.js';
  export { default } from 'hls.js';
}
