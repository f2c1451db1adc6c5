/**
 * Cornerstone3D, started once per page: the rendering core, the DICOM image
 * loader (WADO-RS frames, decoded in web workers by its WASM codecs) and the
 * tools the viewer offers. Imported lazily, so that only the image screens
 * load it.
 */
import * as core from '@cornerstonejs/core';
import dicomImageLoader from '@cornerstonejs/dicom-image-loader';
import * as tools from '@cornerstonejs/tools';

let started: Promise<void> | undefined;

export function startCornerstone(): Promise<void> {
  started ??= (async () => {
    await core.init();
    dicomImageLoader.init({ maxWebWorkers: Math.max(1, Math.min(4, navigator.hardwareConcurrency || 1)) });
    tools.init();
    for (const tool of [
      tools.WindowLevelTool,
      tools.PanTool,
      tools.ZoomTool,
      tools.StackScrollTool,
      tools.LengthTool,
      tools.AngleTool,
      tools.PlanarRotateTool,
    ]) {
      tools.addTool(tool);
    }
  })();
  return started;
}

export { core, dicomImageLoader, tools };
