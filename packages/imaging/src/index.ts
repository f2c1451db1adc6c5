export type { BlobStore } from './blobs/blob-store.js';
export { EncryptedBlobs } from './blobs/encrypted-blobs.js';
export { FileBlobStore } from './blobs/file-blob-store.js';
export { TextDecoding, UnsupportedCharacterSet } from './parse/character-set.js';
export { datasetToJson, type DicomJson, type DicomJsonValue } from './parse/dicom-json.js';
export { DicomRefusal, PATIENT_IDENTIFIER_TAGS, readInstance, type FrameRuns, type ParsedInstance, type PatientIdentifiers } from './parse/read-instance.js';
export { bulkDataBase, ImageArchive, imagingPseudonym, patientIdHash, type ImageSource, type StoredInstance, type StoreStep } from './store/image-archive.js';
