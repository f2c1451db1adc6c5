/**
 * The C-STORE gateway (DICOM upper layer, dcmjs-dimse): a facility's PACS or
 * modality sends images as it would to any archive. Only registered AE
 * titles are accepted (from their registered address, if one is set); C-ECHO
 * is answered; each instance goes into the same ingest path as STOW-RS,
 * stored exactly as received, with the File Meta group written here.
 */
import { Writable } from 'node:stream';
import type { AddressInfo } from 'node:net';
import dimse from 'dcmjs-dimse';
import type { ImageArchive } from '../store/image-archive.js';
import { DicomRefusal } from '../parse/read-instance.js';
import { fileMeta } from '../parse/part10-writer.js';
import { findDicomPeer, type DicomPeer } from './dicom-peers.js';

const { Server, Scp, Dataset, constants, responses } = dimse;
const { Status, PresentationContextResult, RejectResult, RejectSource, RejectReason, SopClass } = constants;
const { CEchoResponse, CStoreResponse } = responses;

/** The transfer syntaxes accepted, in order of preference: every one the archive stores as sent. */
const TRANSFER_SYNTAXES = [
  '1.2.840.10008.1.2.1', // explicit VR little endian
  '1.2.840.10008.1.2', // implicit VR little endian
  '1.2.840.10008.1.2.4.70', // JPEG lossless, first-order prediction
  '1.2.840.10008.1.2.4.57', // JPEG lossless
  '1.2.840.10008.1.2.4.50', // JPEG baseline
  '1.2.840.10008.1.2.4.51', // JPEG extended
  '1.2.840.10008.1.2.4.80', // JPEG-LS lossless
  '1.2.840.10008.1.2.4.81', // JPEG-LS near-lossless
  '1.2.840.10008.1.2.4.90', // JPEG 2000 lossless
  '1.2.840.10008.1.2.4.91', // JPEG 2000
  '1.2.840.10008.1.2.5', // RLE lossless
  '1.2.840.10008.1.2.1.99', // deflated explicit VR little endian
  '1.2.840.10008.1.2.2', // explicit VR big endian (retired, still sent by old modalities)
];

/** Storage SOP classes (PS3.4 Annex B) all begin so. */
const STORAGE = /^1\.2\.840\.10008\.5\.1\.4\.1\.1\./;

/** The AE title the gateway answers to. */
export const GATEWAY_AE_TITLE = 'RENKEI';

/** Processing failure (PS3.7 C.4.2.1.4: 0110); "cannot understand" for a refused instance (0xC000); out of resources (0xA700). */
const STATUS_REFUSED = 0xc000;
const STATUS_FAILED = 0x0110;

interface GatewayContext {
  archive: ImageArchive;
  log(message: string): void;
}

interface StoreWritable extends Writable {
  chunks: Buffer[];
  request: { getAffectedSopClassUid(): string; getAffectedSopInstanceUid(): string; getMessageId(): number };
}

class StoreScp extends Scp {
  private peer: DicomPeer | undefined;
  private readonly context: GatewayContext;
  /** Part 10 bytes of each request being handled, by message id. */
  private readonly received = new Map<number, Buffer>();

  constructor(socket: import('node:net').Socket, options: { customOptions: { gateway: GatewayContext } }) {
    super(socket, options);
    this.context = options.customOptions.gateway;
    this.socketAddress = socket.remoteAddress;
  }

  private readonly socketAddress: string | undefined;

  override associationRequested(association: any): void {
    void this.judge(association).catch((error: unknown) => {
      this.context.log(`association refused: ${error instanceof Error ? error.message : String(error)}`);
      this.sendAssociationReject(RejectResult.Transient, RejectSource.ServiceProviderPresentation, RejectReason.NoReasonGiven);
    });
  }

  private async judge(association: any): Promise<void> {
    const calling = String(association.getCallingAeTitle() ?? '').trim();
    const called = String(association.getCalledAeTitle() ?? '').trim();
    const peer = await findDicomPeer(this.context.archive.stores.identity, calling, this.socketAddress);
    if (!peer) {
      this.context.log(`association from unregistered AE title "${calling.slice(0, 16)}" refused`);
      this.sendAssociationReject(RejectResult.Permanent, RejectSource.ServiceUser, RejectReason.CallingAeNotRecognized);
      return;
    }
    if (called !== GATEWAY_AE_TITLE) {
      this.sendAssociationReject(RejectResult.Permanent, RejectSource.ServiceUser, RejectReason.CalledAeNotRecognized);
      return;
    }
    this.peer = peer;
    for (const proposed of association.getPresentationContexts()) {
      const context = association.getPresentationContext(proposed.id);
      const abstract = context.getAbstractSyntaxUid();
      if (abstract !== SopClass.Verification && !STORAGE.test(abstract)) {
        context.setResult(PresentationContextResult.RejectAbstractSyntaxNotSupported);
        continue;
      }
      const offered: string[] = context.getTransferSyntaxUids();
      const chosen = TRANSFER_SYNTAXES.find((ts) => offered.includes(ts));
      if (chosen) context.setResult(PresentationContextResult.Accept, chosen);
      else context.setResult(PresentationContextResult.RejectTransferSyntaxesNotSupported);
    }
    this.sendAssociationAccept();
  }

  override associationReleaseRequested(): void {
    this.sendAssociationReleaseResponse();
  }

  override cEchoRequest(request: any, callback: (response: any) => void): void {
    const response = CEchoResponse.fromRequest(request);
    response.setStatus(Status.Success);
    callback(response);
  }

  /** The dataset is collected as it arrives, as the bytes the peer sent, not parsed into objects. */
  override createStoreWritableStream(_context: any, request: any): Writable {
    const chunks: Buffer[] = [];
    const writable = new Writable({
      write(chunk: Buffer, _encoding, done) {
        chunks.push(chunk);
        done();
      },
    }) as StoreWritable;
    writable.chunks = chunks;
    writable.request = request;
    return writable;
  }

  override createDatasetFromStoreWritableStream(writable: Writable, context: any, callback: (dataset: any) => void): void {
    const { chunks, request } = writable as StoreWritable;
    const meta = fileMeta({
      sopClassUid: request.getAffectedSopClassUid(),
      sopInstanceUid: request.getAffectedSopInstanceUid(),
      transferSyntaxUid: context.getAcceptedTransferSyntaxUid(),
      ...(this.peer ? { sourceAeTitle: this.peer.aeTitle } : {}),
    });
    this.received.set(request.getMessageId(), Buffer.concat([meta, ...chunks]));
    callback(new Dataset({}));
  }

  override cStoreRequest(request: any, callback: (response: any) => void): void {
    const bytes = this.received.get(request.getMessageId());
    this.received.delete(request.getMessageId());
    const answer = (status: number, comment?: string) => {
      const response = CStoreResponse.fromRequest(request);
      response.setStatus(status);
      if (comment) response.setErrorComment?.(comment.slice(0, 64));
      callback(response);
    };
    const peer = this.peer;
    if (!bytes || !peer) return answer(STATUS_FAILED);
    this.context.archive
      .store(bytes, { facilityCode: peer.facilityCode, via: 'c-store', actor: { actor: `dicom:${peer.aeTitle}`, actorKind: 'process', role: null, facility: peer.facilityCode, terminal: null } })
      .then(() => answer(Status.Success))
      .catch((error: unknown) => {
        if (error instanceof DicomRefusal) return answer(error.code === 'conflict' ? 0xa900 : STATUS_REFUSED, error.message);
        this.context.log(`C-STORE failed: ${error instanceof Error ? error.message : String(error)}`);
        answer(STATUS_FAILED);
      });
  }
}

export interface CStoreGateway {
  port: number;
  close(): Promise<void>;
}

/** Starts the gateway on `port` (0: any free port). */
export async function startCStoreGateway(archive: ImageArchive, port: number, log: (message: string) => void = () => undefined): Promise<CStoreGateway> {
  // The library's own log would name every association on stdout; the gateway says what matters through `log`.
  (dimse as unknown as { log: { setLevel(level: string): void } }).log.setLevel('warn');
  const server = new Server(StoreScp as unknown as typeof Scp);
  server.on('networkError', (error: Error) => log(`DICOM network error: ${error.message}`));
  server.listen(port, { customOptions: { gateway: { archive, log } } } as never);
  const net = (server as unknown as { server: import('node:net').Server }).server;
  if (!net.listening) await new Promise<void>((resolve, reject) => net.once('listening', resolve).once('error', reject));
  return {
    port: (net.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close();
        resolve();
      }),
  };
}
