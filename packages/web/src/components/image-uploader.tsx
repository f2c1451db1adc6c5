/**
 * The image uploader: files, a folder, or a CD/DVD (a folder with a DICOMDIR:
 * only the files it names are sent), each file resumable over tus
 * (tus-js-client to /api/uploads; a dropped connection is retried and
 * continues where it stopped), with a line per file: progress, then stored,
 * already stored (a duplicate), refused with the reason, or skipped. JPEG and
 * PNG photographs go into a new study of the patient entered on the form, or
 * into a study chosen from the facility's (the server wraps them as DICOM).
 */
import { Alert, Badge, Button, Card, Group, Progress, SegmentedControl, Stack, Table, Text, Title } from '@mantine/core';
import dicomParser from 'dicom-parser';
import { useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Upload } from 'tus-js-client';

/** The patient as the compose form has them, for photographs of a new study. */
export interface UploadPatient {
  patientId: string;
  name: string;
  kana: string;
  /** YYYY-MM-DD */
  birthDate: string;
  sex: 'male' | 'female' | 'other';
}

type State = 'waiting' | 'uploading' | 'stored' | 'unchanged' | 'refused' | 'skipped' | 'failed';

interface Line {
  key: string;
  name: string;
  file: File;
  state: State;
  progress: number;
  reason?: string;
  retrying?: boolean;
}

/** What the server answers when the last byte is in. */
interface Outcome {
  status?: 'stored' | 'unchanged';
  studyUid?: string;
  error?: { code: string; message: string };
}

/** Files sent at once. */
const AT_ONCE = 3;
/** After a dropped connection: try again after these waits (ms), then give up (the user may choose the file again, and it resumes). */
const RETRY_DELAYS = [0, 1000, 3000, 5000, 10000, 20000];

const SEX: Record<UploadPatient['sex'], 'M' | 'F' | 'O'> = { male: 'M', female: 'F', other: 'O' };

/** A fresh UID under 2.25 (a random UUID as a number), for a new study of photographs. */
function newStudyUid(): string {
  const hex = crypto.randomUUID().replaceAll('-', '');
  return `2.25.${BigInt(`0x${hex}`).toString()}`;
}

/** What the first bytes say: DICOM Part 10, a photograph, or neither. */
async function kindOf(file: File): Promise<'dicom' | 'photo' | 'other'> {
  const head = new Uint8Array(await file.slice(0, 132).arrayBuffer());
  if (head.length >= 132 && String.fromCharCode(...head.subarray(128, 132)) === 'DICM') return 'dicom';
  if (head[0] === 0xff && head[1] === 0xd8 && head[2] === 0xff) return 'photo';
  if (head[0] === 0x89 && head[1] === 0x50 && head[2] === 0x4e && head[3] === 0x47) return 'photo';
  return 'other';
}

const pathOf = (file: File) => (file as File & { webkitRelativePath?: string }).webkitRelativePath || file.name;

/**
 * The files a CD/DVD's DICOMDIR names (its Referenced File IDs, relative to
 * the DICOMDIR's folder), or undefined if the selection has no DICOMDIR.
 */
async function namedByDicomdir(files: File[]): Promise<{ named: Set<File>; count: number } | undefined> {
  const dicomdir = files.find((f) => pathOf(f).split('/').pop()!.toUpperCase() === 'DICOMDIR');
  if (!dicomdir) return undefined;
  const base = pathOf(dicomdir).split('/').slice(0, -1).join('/').toUpperCase();
  const dataset = dicomParser.parseDicom(new Uint8Array(await dicomdir.arrayBuffer()));
  const wanted = new Set<string>();
  for (const item of dataset.elements.x00041220?.items ?? []) {
    const id = item.dataSet?.string('x00041500');
    if (id) wanted.add([base, ...id.trim().split('\\')].filter(Boolean).join('/').toUpperCase());
  }
  const named = new Set(files.filter((f) => wanted.has(pathOf(f).toUpperCase())));
  return { named, count: named.size };
}

export function ImageUploader({ patient, chosenStudy, onStored }: { patient: UploadPatient; chosenStudy: string | undefined; onStored: (studyUid: string) => void }) {
  const { t } = useTranslation();
  const [lines, setLines] = useState<Line[]>([]);
  const [note, setNote] = useState<string | undefined>();
  const [photoTarget, setPhotoTarget] = useState<'new' | 'existing'>('new');
  /** One new study for the photographs of this form, however many are sent. */
  const photoStudy = useRef(newStudyUid());
  const filesInput = useRef<HTMLInputElement>(null);
  const folderInput = useRef<HTMLInputElement>(null);

  const update = (key: string, change: Partial<Line>) => setLines((old) => old.map((l) => (l.key === key ? { ...l, ...change } : l)));

  /** The Upload-Metadata of a photograph: the study it joins and, for a new one, the patient. */
  const photoMetadata = (): Record<string, string> | undefined => {
    if (photoTarget === 'existing') return chosenStudy ? { studyUid: chosenStudy } : undefined;
    if (!patient.patientId.trim() || !patient.name.trim()) return undefined;
    const birthDate = patient.birthDate.replaceAll('-', '');
    return {
      studyUid: photoStudy.current,
      patient: JSON.stringify({ patientId: patient.patientId.trim(), name: patient.name.trim(), kana: patient.kana.trim(), sex: SEX[patient.sex], ...(/^\d{8}$/.test(birthDate) ? { birthDate } : {}) }),
    };
  };

  const send = (line: Line, metadata: Record<string, string>) =>
    new Promise<void>((resolve) => {
      const upload = new Upload(line.file, {
        endpoint: '/api/uploads',
        metadata: { filename: line.name.slice(0, 255), filetype: line.file.type || 'application/dicom', ...metadata },
        retryDelays: RETRY_DELAYS,
        storeFingerprintForResuming: true,
        removeFingerprintOnSuccess: true,
        onProgress: (sent, total) => update(line.key, { state: 'uploading', progress: total ? Math.round((sent / total) * 100) : 0, retrying: false }),
        onShouldRetry: (error) => {
          const status = error.originalResponse?.getStatus() ?? 0;
          const retry = status === 0 || status >= 500 || status === 409 || status === 423;
          if (retry) update(line.key, { retrying: true });
          return retry;
        },
        onSuccess: ({ lastResponse }) => {
          const outcome = JSON.parse(lastResponse.getBody() || '{}') as Outcome;
          update(line.key, { state: outcome.status === 'unchanged' ? 'unchanged' : 'stored', progress: 100, retrying: false });
          if (outcome.studyUid) onStored(outcome.studyUid);
          resolve();
        },
        onError: (error) => {
          const body = (error as { originalResponse?: { getBody(): string } | null }).originalResponse?.getBody();
          let outcome: Outcome | undefined;
          try {
            outcome = body ? (JSON.parse(body) as Outcome) : undefined;
          } catch {
            outcome = undefined;
          }
          const code = outcome?.error?.code;
          update(line.key, code ? { state: 'refused', reason: code, retrying: false } : { state: 'failed', reason: 'network', retrying: false });
          resolve();
        },
      });
      // A file sent before and cut short continues where it stopped.
      void upload.findPreviousUploads().then((previous) => {
        if (previous[0]) upload.resumeFromPreviousUpload(previous[0]);
        update(line.key, { state: 'uploading' });
        upload.start();
      });
    });

  const choose = async (chosen: FileList | null) => {
    const files = [...(chosen ?? [])];
    if (files.length === 0) return;
    const dicomdir = await namedByDicomdir(files);
    setNote(dicomdir ? t('uploads.uploader.dicomdir', { count: dicomdir.count }) : undefined);
    const made: Line[] = [];
    const plans: Array<{ line: Line; metadata: Record<string, string> }> = [];
    for (const [index, file] of files.entries()) {
      const name = pathOf(file);
      const line: Line = { key: `${Date.now()}-${index}-${name}`, name, file, state: 'waiting', progress: 0 };
      made.push(line);
      if (name.split('/').pop()!.toUpperCase() === 'DICOMDIR') {
        Object.assign(line, { state: 'skipped', reason: 'dicomdir-itself' });
        continue;
      }
      if (dicomdir && !dicomdir.named.has(file)) {
        Object.assign(line, { state: 'skipped', reason: 'not-in-dicomdir' });
        continue;
      }
      const kind = await kindOf(file);
      // Neither DICOM nor a photograph (a CD's viewer program, a text file): not sent at all.
      if (kind === 'other') {
        Object.assign(line, { state: 'skipped', reason: 'not-dicom' });
        continue;
      }
      if (kind === 'photo') {
        const metadata = photoMetadata();
        if (!metadata) {
          Object.assign(line, { state: 'refused', reason: 'photo-target' });
          continue;
        }
        plans.push({ line, metadata });
      } else plans.push({ line, metadata: {} });
    }
    setLines((old) => [...made, ...old]);
    // A few at a time, each to the end.
    const queue = [...plans];
    await Promise.all(
      Array.from({ length: AT_ONCE }, async () => {
        for (let next = queue.shift(); next; next = queue.shift()) await send(next.line, next.metadata);
      }),
    );
  };

  const counts = useMemo(() => {
    const of = (state: State) => lines.filter((l) => l.state === state).length;
    return { total: lines.length, stored: of('stored'), unchanged: of('unchanged'), refused: of('refused') + of('failed'), skipped: of('skipped'), done: lines.filter((l) => !['waiting', 'uploading'].includes(l.state)).length };
  }, [lines]);

  const reasonText = (reason: string | undefined) => {
    if (!reason) return '';
    if (reason === 'dicomdir-itself') return 'DICOMDIR';
    const key = `uploads.uploader.reasons.${reason}`;
    return t(key, { defaultValue: t('uploads.uploader.reasons.other', { code: reason }) });
  };
  const color: Record<State, string> = { waiting: 'gray', uploading: 'blue', stored: 'green', unchanged: 'teal', refused: 'red', skipped: 'gray', failed: 'orange' };

  return (
    <Card withBorder data-testid="image-uploader">
      <Stack gap="xs">
        <Title order={5}>{t('uploads.uploader.title')}</Title>
        <Text size="sm" c="dimmed">{t('uploads.uploader.hint')}</Text>
        <Group>
          <Button variant="light" onClick={() => filesInput.current?.click()}>{t('uploads.uploader.files')}</Button>
          <Button variant="light" onClick={() => folderInput.current?.click()}>{t('uploads.uploader.folder')}</Button>
          <input ref={filesInput} type="file" multiple hidden data-testid="upload-files" onChange={(e) => void choose(e.currentTarget.files).finally(() => (e.target.value = ''))} />
          <input
            ref={folderInput}
            type="file"
            multiple
            hidden
            data-testid="upload-folder"
            {...({ webkitdirectory: '', directory: '' } as Record<string, string>)}
            onChange={(e) => void choose(e.currentTarget.files).finally(() => (e.target.value = ''))}
          />
        </Group>
        <Group gap="xs">
          <Text size="sm">{t('uploads.uploader.photoTarget')}</Text>
          <SegmentedControl
            size="xs"
            value={photoTarget}
            onChange={(v) => setPhotoTarget(v as 'new' | 'existing')}
            data={[
              { value: 'new', label: t('uploads.uploader.photoNew') },
              { value: 'existing', label: t('uploads.uploader.photoExisting') },
            ]}
          />
        </Group>
        {photoTarget === 'new' && (!patient.patientId.trim() || !patient.name.trim()) && <Text size="xs" c="dimmed">{t('uploads.uploader.photoNeedsPatient')}</Text>}
        {photoTarget === 'existing' && !chosenStudy && <Text size="xs" c="dimmed">{t('uploads.uploader.photoNeedsStudy')}</Text>}
        {note && <Alert color="blue" py={4}>{note}</Alert>}
        {lines.length > 0 && (
          <>
            <Text size="sm" data-testid="upload-summary">{t('uploads.uploader.summary', counts)}</Text>
            <Table striped withTableBorder data-testid="upload-list">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t('uploads.uploader.columns.file')}</Table.Th>
                  <Table.Th w={260}>{t('uploads.uploader.columns.state')}</Table.Th>
                  <Table.Th>{t('uploads.uploader.columns.detail')}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {lines.map((line) => (
                  <Table.Tr key={line.key} data-testid="upload-row" data-state={line.state} data-file={line.name}>
                    <Table.Td style={{ wordBreak: 'break-all' }}>{line.name}</Table.Td>
                    <Table.Td>
                      {line.state === 'uploading' ? (
                        <Progress value={line.progress} size="lg" striped animated aria-label={`${line.progress}%`} />
                      ) : (
                        <Badge color={color[line.state]} variant="light">{t(`uploads.uploader.states.${line.state}`)}</Badge>
                      )}
                    </Table.Td>
                    <Table.Td>
                      <Text size="sm" data-testid="upload-reason">{line.retrying ? t('uploads.uploader.retrying') : reasonText(line.reason)}</Text>
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </>
        )}
      </Stack>
    </Card>
  );
}
