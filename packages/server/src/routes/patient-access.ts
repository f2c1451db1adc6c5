import { openPatientAccess } from '@renkei/access';
import { complaintQuery, historyQuery, patientAccessRequest, type ComplaintResult, type DiseaseGroupResult, type PatientAccessOpened } from '@renkei/api';
import { listDiseaseGroups, matchDiseaseGroups, searchChiefComplaint } from '@renkei/history';
import { isConsentWithdrawn, personPseudonym } from '@renkei/identity';
import type { FastifyInstance } from 'fastify';
import { cardHolder, type CardRefusals } from '../card-holder.js';
import { ApiError } from '../errors.js';
import { auditRequest, requireClinician } from '../gate.js';
import type { ResolvedOptions } from '../options.js';
import { openPatientRecords } from '../patient-records.js';
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

export async function patientAccessRoutes(app: FastifyInstance, options: ResolvedOptions): Promise<void> {
  /** Presenting a card (a Renkei card's QR text, or a My Number card's signature): opens that one patient, for this user on this terminal, for a while. */
  app.post('/api/patient-access', async (request, reply): Promise<PatientAccessOpened> => {
    const session = requireClinician(request);
    const body = parseBody(patientAccessRequest, request.body);
    const opened = await cardHolder(request, options, session, body, { action: 'card.present', purpose: 'present', refusals: CLINICIAN_REFUSALS });
    const pseudonym = personPseudonym(options.keys.pseudonym, opened.personId);
    // Any failure to read consent fails the request: no consent answer, no access.
    if (await isConsentWithdrawn(options.stores.identity, opened.personId)) {
      await auditRequest(request, options, { action: 'card.present', pseudonym, outcome: 'refused', detail: { reason: 'consent withdrawn', ...opened.detail } });
      throw new ApiError(403, 'consent-withdrawn', 'この患者は情報提供への同意を撤回しているため、履歴は表示できません');
    }
    const access = await openPatientAccess(options.stores.identity, session, opened, options.policy);
    await auditRequest(request, options, { action: 'card.present', pseudonym, outcome: 'allowed', detail: { ...opened.detail, access: access.id } });
    reply.code(201);
    return { accessId: access.id, expiresAt: access.expiresAt.toISOString() };
  });

  app.get<{ Params: { accessId: string } }>('/api/patient-access/:accessId/summary', async (request, reply) => {
    const json = await (await openPatientRecords(request, options, request.params.accessId)).summaryJson();
    return reply.type('application/json; charset=utf-8').send(json);
  });

  app.get<{ Params: { accessId: string } }>('/api/patient-access/:accessId/summary.pdf', async (request, reply) => {
    const pdf = await (await openPatientRecords(request, options, request.params.accessId)).summaryPdf();
    return reply.type('application/pdf').header('Content-Disposition', 'inline; filename="summary.pdf"').send(pdf);
  });

  app.get<{ Params: { accessId: string }; Querystring: Record<string, string> }>('/api/patient-access/:accessId/history', async (request) => {
    const filter = parseBody(historyQuery, request.query);
    return (await openPatientRecords(request, options, request.params.accessId)).history(filter);
  });

  app.get<{ Params: { accessId: string } }>('/api/patient-access/:accessId/detail', async (request) =>
    (await openPatientRecords(request, options, request.params.accessId)).detail(),
  );

  app.get<{ Params: { accessId: string } }>('/api/patient-access/:accessId/disease-groups', async (request): Promise<DiseaseGroupResult> => {
    const records = await openPatientRecords(request, options, request.params.accessId);
    const groups = await listDiseaseGroups(options.stores.clinical);
    return records.search('patient.search.disease-groups', { groups: groups.length }, (history, person) => ({
      checked: groups.map((g) => ({ id: g.id, name: g.name })),
      groups: matchDiseaseGroups(history, person, groups),
    }));
  });

  app.get<{ Params: { accessId: string }; Querystring: Record<string, string> }>('/api/patient-access/:accessId/complaints', async (request): Promise<ComplaintResult> => {
    const { q } = parseBody(complaintQuery, request.query);
    const records = await openPatientRecords(request, options, request.params.accessId);
    // The complaint goes to the audit trail: it is what the doctor looked for, and it names no one.
    return records.search('patient.search.complaint', { complaint: q }, (history) => searchChiefComplaint(history, q));
  });
}
