import { accessReference, openPatientAccess } from '@renkei/access';
import { complaintQuery, historyQuery, INVERTED_PERIOD_MESSAGE, isInvertedPeriod, patientAccessRequest, type ComplaintResult, type DiseaseGroupResult, type PatientAccessOpened, type PatientAccessStatus } from '@renkei/api';
import { listDiseaseGroups, matchDiseaseGroups, searchChiefComplaint } from '@renkei/history';
import { isConsentWithdrawn, personPseudonym } from '@renkei/identity';
import type { OpenPatientRecords } from '@renkei/records';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { cardHolder, type CardRefusals } from '../card-holder.js';
import { ApiError } from '../errors.js';
import { sessionOf } from '../gate.js';
import type { ResolvedOptions } from '../options.js';
import { auditRequest, changeIdentity, contextOf } from '../request-audit.js';
import { parseBody } from '../validation.js';

/** What the clinician is told of a card that cannot open the patient. */
const CLINICIAN_REFUSALS: CardRefusals = {
  inactive: (status) =>
    ({
      replaced: 'このカードは再発行されたため使用できません。新しいカードをお使いください',
      suspended: 'このカードは利用停止中です。窓口にお問い合わせください',
      revoked: 'このカードは失効しています（紛失の届出など）。窓口で再発行してください',
    })[status],
  unbound: 'このマイナンバーカードは連携に登録されていません。受付で本人確認のうえ登録してください',
};

/** The routes of one patient's records: a licensed clinician with an open access to the patient in the URL (the gate checks all three factors in one query). */
const PATIENT = { config: { access: 'patient' } } as const;

export async function patientAccessRoutes(app: FastifyInstance, options: ResolvedOptions): Promise<void> {
  /** The records behind the URL's access, through the records service (which checks and audits). */
  const records = (request: FastifyRequest<{ Params: { accessId: string } }>): Promise<OpenPatientRecords> =>
    options.records.openAccess(contextOf(request), request.params.accessId, request.patientAccess ?? { open: undefined });

  /** Presenting a card (a Renkei card's QR text, or a My Number card's signature): opens that one patient, for this user on this terminal, for a while. */
  app.post('/api/patient-access', { config: { access: 'clinician', action: 'card.present', rateLimit: 'card-presentation' } }, async (request, reply): Promise<PatientAccessOpened> => {
    const session = sessionOf(request);
    const body = parseBody(patientAccessRequest, request.body);
    const opened = await cardHolder(request, options, session, body, { action: 'card.present', purpose: 'present', refusals: CLINICIAN_REFUSALS });
    const pseudonym = personPseudonym(options.keys.pseudonym, opened.personId);
    // Any failure to read consent fails the request: no consent answer, no access.
    if (await isConsentWithdrawn(options.stores.identity, opened.personId)) {
      await auditRequest(request, options, { action: 'card.present', pseudonym, outcome: 'refused', detail: { reason: 'consent withdrawn', ...opened.detail } });
      throw new ApiError(403, 'consent-withdrawn', 'この患者は情報提供への同意を撤回しているため、履歴は表示できません');
    }
    const access = await changeIdentity(
      request,
      options,
      (tx) => openPatientAccess(tx, session, opened, options.limits),
      (a) => ({ action: 'card.present', pseudonym, outcome: 'allowed', detail: { ...opened.detail, access: accessReference(options.keys, a.id) } }),
    );
    reply.code(201);
    return { accessId: access.id, expiresAt: access.expiresAt.toISOString() };
  });

  app.get<{ Params: { accessId: string } }>('/api/patient-access/:accessId/summary', PATIENT, async (request, reply) => {
    const json = await (await records(request)).summaryJson();
    return reply.type('application/json; charset=utf-8').send(json);
  });

  /** Whether the access is still open and until when: the patient screen asks it to say at once when access has ended. */
  app.get<{ Params: { accessId: string } }>('/api/patient-access/:accessId/status', PATIENT, async (request): Promise<PatientAccessStatus> => (await records(request)).status());

  app.get<{ Params: { accessId: string } }>('/api/patient-access/:accessId/summary.pdf', PATIENT, async (request, reply) => {
    const pdf = await (await records(request)).summaryPdf();
    return reply.type('application/pdf').header('Content-Disposition', 'inline; filename="summary.pdf"').send(pdf);
  });

  app.get<{ Params: { accessId: string }; Querystring: Record<string, string> }>('/api/patient-access/:accessId/history', PATIENT, async (request) => {
    const filter = parseBody(historyQuery, request.query);
    if (isInvertedPeriod(filter)) throw new ApiError(400, 'inverted-period', INVERTED_PERIOD_MESSAGE);
    return (await records(request)).history(filter);
  });

  app.get<{ Params: { accessId: string } }>('/api/patient-access/:accessId/detail', PATIENT, async (request) => (await records(request)).detail());

  app.get<{ Params: { accessId: string } }>('/api/patient-access/:accessId/disease-groups', PATIENT, async (request): Promise<DiseaseGroupResult> => {
    const open = await records(request);
    const groups = await listDiseaseGroups(options.stores.clinical);
    return open.search('patient.search.disease-groups', { groups: groups.length }, (history, person) => ({
      checked: groups.map((g) => ({ id: g.id, name: g.name })),
      groups: matchDiseaseGroups(history, person, groups),
    }));
  });

  app.get<{ Params: { accessId: string }; Querystring: Record<string, string> }>('/api/patient-access/:accessId/complaints', PATIENT, async (request): Promise<ComplaintResult> => {
    const { q } = parseBody(complaintQuery, request.query);
    const open = await records(request);
    // The complaint goes to the audit trail: it is what the doctor looked for, and it names no one.
    return open.search('patient.search.complaint', { complaint: q }, (history) => searchChiefComplaint(history, q));
  });
}
