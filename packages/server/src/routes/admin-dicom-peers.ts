/**
 * DICOM接続先: each facility registers the AE titles of its PACS and
 * modalities (and the address they connect from), which the C-STORE gateway
 * accepts, and where studies are sent back to (host and port). An operator
 * looks after every facility's, a facility administrator their own; another
 * facility's AE title answers as an unknown one does.
 */
import { scopeCoversFacility, scopeFacility } from '@renkei/access';
import { facilityNotFound } from '@renkei/admin';
import { dicomPeerRequest, type DicomPeerList } from '@renkei/api';
import { GATEWAY_AE_TITLE, listDicomPeers, removeDicomPeer, saveDicomPeer } from '@renkei/imaging';
import type { FastifyInstance } from 'fastify';
import { administer, administerRead, administrator, asGiven, auditedChange, refusalsAudited } from '../administration.js';
import type { ResolvedOptions } from '../options.js';
import { parseBody } from '../validation.js';
import { facilitiesInScope } from './admin-terminals.js';

export async function adminDicomPeerRoutes(app: FastifyInstance, options: ResolvedOptions): Promise<void> {
  const identity = options.stores.identity;

  app.get('/api/admin/dicom-peers', { config: { access: 'administrator', action: 'dicom-peer.list' } }, async (request): Promise<DicomPeerList> => {
    const { peers, facilities } = await administerRead(
      request,
      options,
      { action: 'dicom-peer.list' },
      async ({ scope }) => ({ peers: await listDicomPeers(identity, scopeFacility(scope)), facilities: await facilitiesInScope(identity, scope) }),
      (r) => ({ peers: r.peers.length }),
    );
    return { peers: peers.map((p) => ({ ...p, registeredAt: p.registeredAt.toISOString() })), facilities, gatewayAeTitle: GATEWAY_AE_TITLE };
  });

  // Registers an AE title, or changes the address and export of one the facility has.
  app.post('/api/admin/dicom-peers', { config: { access: 'administrator', action: 'dicom-peer.register' } }, async (request, reply) => {
    // Who asks is checked before what they sent is read.
    const { scope } = await administrator(request, options, { action: 'dicom-peer.register' });
    const body = parseBody(dicomPeerRequest, request.body);
    const action = { action: 'dicom-peer.register', detail: { facility: body.facilityCode, aeTitle: body.aeTitle.slice(0, 16) } };
    await refusalsAudited(request, options, action, async () => {
      const active = (await facilitiesInScope(identity, scope)).some((f) => f.code === body.facilityCode);
      if (!scopeCoversFacility(scope, body.facilityCode) || !active) throw facilityNotFound();
    });
    const saved = await auditedChange(
      request,
      options,
      action,
      (tx) => saveDicomPeer(tx, { aeTitle: body.aeTitle, facilityCode: body.facilityCode, address: body.address ?? null, exportTo: body.exportTo ?? null }),
      ({ peer, created }) => ({ aeTitle: peer.aeTitle, address: peer.address, exportTo: peer.exportTo ? `${peer.exportTo.host}:${peer.exportTo.port}` : null, created }),
    );
    reply.code(saved.created ? 201 : 200);
    return { aeTitle: saved.peer.aeTitle, facilityCode: saved.peer.facilityCode, address: saved.peer.address, exportTo: saved.peer.exportTo ?? null, created: saved.created };
  });

  app.post<{ Params: { aeTitle: string } }>('/api/admin/dicom-peers/:aeTitle/remove', { config: { access: 'administrator', action: 'dicom-peer.remove' } }, async (request) => {
    const removed = await administer(
      request,
      options,
      { action: 'dicom-peer.remove', detail: { aeTitle: asGiven(request.params.aeTitle) } },
      ({ scope }, tx) => removeDicomPeer(tx, request.params.aeTitle, scopeFacility(scope)),
      (peer) => ({ facility: peer.facilityCode }),
    );
    return { aeTitle: removed.aeTitle, removed: true };
  });
}
