export type { BlobStore } from './blobs/blob-store.js';
export { EncryptedBlobs } from './blobs/encrypted-blobs.js';
export { FileBlobStore } from './blobs/file-blob-store.js';
export { TextDecoding, UnsupportedCharacterSet } from './parse/character-set.js';
export { datasetToJson, type DicomJson, type DicomJsonValue } from './parse/dicom-json.js';
export { DicomRefusal, PATIENT_IDENTIFIER_TAGS, readInstance, type FrameRuns, type ParsedInstance, type PatientIdentifiers } from './parse/read-instance.js';
export { bulkDataBase, ImageArchive, imagingPseudonym, patientIdHash, type ImageSource, type StoredInstance, type StoreStep } from './store/image-archive.js';
export { ImageStudies } from './store/exchange-studies.js';
export { mediaType, MultipartError, readMultipart, type BodyPart } from './dicomweb/multipart.js';
export { QidoError, searchInstances, searchSeries, searchStudies, tagOf, type QueryParams, type SearchContext } from './dicomweb/qido.js';
export { patientElements, searchableFacilities, visibleStudy, type SharedStudies, type VisibleStudy } from './dicomweb/study-access.js';
export { frameBytes, frameMediaType, metadataOf, multipartFrames, multipartInstances, newBoundary, renderedFrame, selectInstances, type Selection, type StoredInstanceRow } from './dicomweb/wado.js';
export { buildDicomdir, type DirectoryStudy } from './download/dicomdir.js';
export { studyDownload, type StudyDownload } from './download/study-download.js';
export { bufferEntry, StudyZip, type StudyZipOptions, type ZipEntry, type ZipSegment } from './download/study-zip.js';
export { GATEWAY_AE_TITLE, startCStoreGateway, type CStoreGateway } from './gateway/cstore-gateway.js';
export {
  dicomPeerRefusal,
  findDicomPeer,
  listDicomPeers,
  normalAeTitle,
  registerDicomPeer,
  registeredPeer,
  removeDicomPeer,
  saveDicomPeer,
  validDicomPeer,
  type DicomPeer,
  type DicomPeerRefusalCode,
  type ListedDicomPeer,
} from './gateway/dicom-peers.js';
export { dataSetOf, exportInstances, type ExportedInstance, type ExportTarget } from './gateway/cstore-export.js';
export { photographFormat, SECONDARY_CAPTURE, wrapPhotograph, type PhotographFormat, type PhotographPatient, type PhotographTarget } from './parse/photograph.js';
export { storePhotograph, uidFromName, type PhotographRequest } from './store/photographs.js';
export { decodeFrame, jpegFrameHeader, type JpegFrameHeader, type NativeFrame } from './decode/decode-frame.js';
export { pixelModuleOf } from './decode/pixel-module.js';
export { decodeRle, unpackBits } from './decode/rle.js';
export { encodePng, fitInto, NotRenderable, parseViewport, parseWindow, renderFrame, renderPng, scaleImage, storedValues, voi, type Image, type PixelModule, type RenderOptions, type Size, type VoiFunction, type VoiWindow } from './render/render.js';
