/**
 * Imaging speed, side by side: a realistic CT study (2 series × 250 slices
 * of 512×512 16-bit, about 260 MB, made here) stored and read back by Renkei
 * (`renkei serve` in production mode, a process of its own as Orthanc is, over
 * TLS with a terminal certificate, as a browser on a terminal) and by
 * Debian's Orthanc with its DICOMweb plugin, on loopback, with nginx serving
 * the same ZIP as a static file over the same TLS as the line-speed
 * reference. The last line is one JSON object of the figures.
 *
 *   npm run bench:imaging            (BENCH_SLICES=50 for a quick run)
 *
 * Renkei's databases: PGlite in its data directory, the embedded default (or
 * IDENTITY_DATABASE_URL / CLINICAL_DATABASE_URL).
 */
import { execFile, spawn } from 'node:child_process';
import { chmod, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { loadOrCreateNetworkCa, loadOrCreateServerTls } from '@renkei/access';
import { benchDatabases, startRenkeiServe } from '@renkei/bench-kit';
import { seedDemoNetwork } from '@renkei/demo';
import { FileBlobStore, ImageArchive, registerDicomPeer, startCStoreGateway, GATEWAY_AE_TITLE } from '@renkei/imaging';
import { freePort, newUid, startOrthanc, syntheticSlice, workFolder } from '@renkei/imaging/testing';
import { deriveServerKeys, loadServerKeys, openStores } from '@renkei/store';
import { openTestStores, useOwnTestTemplates } from '@renkei/store/testing';
import { Agent, request } from 'undici';

const SLICES = Number(process.env.BENCH_SLICES ?? 250);
const BATCH = 25;
const BOUNDARY = 'bench-boundary-7d3f';

const log = (line: string) => console.log(line);
const seconds = (start: bigint) => Number(process.hrtime.bigint() - start) / 1e9;
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

async function main(): Promise<void> {
  const folder = await workFolder();
  const templates = await useOwnTestTemplates();
  try {
    await run(folder);
  } finally {
    await folder.remove();
    await templates.drop();
  }
}

async function run(folder: Awaited<ReturnType<typeof workFolder>>): Promise<void> {
  // The study, as files (storescu sends files).
  const study = newUid();
  const series = [newUid(), newUid()];
  const files: string[] = [];
  let bytes = 0;
  await mkdir(folder.file('study'), { recursive: true });
  for (const [s, seriesUid] of series.entries()) {
    for (let n = 1; n <= SLICES; n++) {
      const file = folder.file(`study/s${s}-${n}.dcm`);
      const slice = syntheticSlice({ studyUid: study, seriesUid, seriesNumber: s + 1, instanceNumber: n, rows: 512, columns: 512, seed: s * 1000 + n });
      bytes += slice.length;
      await writeFile(file, slice);
      files.push(file);
    }
  }
  log(`study: ${files.length} instances, ${(bytes / 1e6).toFixed(1)} MB`);

  // Renkei: `renkei serve` on the demo network, a technologist logged in on the hospital's terminal.
  const { config, dataDir, drop } = await benchDatabases('imaging');
  const stores = await openStores(config);
  const credentials = await seedDemoNetwork(stores, await loadServerKeys(config), dataDir, { cards: 0 }).finally(() => stores.close());
  const serve = await startRenkeiServe(dataDir);
  const server = { url: serve.url.replace(/\/$/, '') };
  const caPem = await readFile(credentials.caCert, 'utf8');
  const terminal = credentials.terminal;
  const agent = new Agent({ connect: { ca: caPem, pfx: await readFile(terminal.p12), passphrase: terminal.password } });
  const technologist = credentials.users.find((u) => u.role === 'technologist')!;
  const login = await request(`${server.url}/api/login`, { method: 'POST', dispatcher: agent, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ userId: technologist.id, password: technologist.password }) });
  const cookie = [login.headers['set-cookie']].flat().map((c) => String(c).split(';')[0]).join('; ');
  await login.body.dump();
  const caFile = folder.file('network-ca.pem');
  await writeFile(caFile, caPem);
  const orthanc = await startOrthanc(folder.file('orthanc'));
  const orthancAgent = new Agent();

  try {
    // STOW-RS, in requests of BATCH instances, one after another.
    const stow = async (url: string, dispatcher: Agent, headers: Record<string, string>) => {
      const start = process.hrtime.bigint();
      for (let i = 0; i < files.length; i += BATCH) {
        const parts: Buffer[] = [];
        for (const file of files.slice(i, i + BATCH)) parts.push(Buffer.from(`--${BOUNDARY}\r\nContent-Type: application/dicom\r\n\r\n`), await readFile(file), Buffer.from('\r\n'));
        parts.push(Buffer.from(`--${BOUNDARY}--\r\n`));
        const response = await request(url, { method: 'POST', dispatcher, headers: { ...headers, 'content-type': `multipart/related; type="application/dicom"; boundary=${BOUNDARY}`, accept: 'application/dicom+json' }, body: Buffer.concat(parts) });
        const text = await response.body.text();
        if (response.statusCode !== 200) throw new Error(`STOW answered ${response.statusCode}: ${text.slice(0, 300)}`);
      }
      return seconds(start);
    };
    const stowSeconds = await stow(`${server.url}/dicomweb/studies`, agent, { cookie });
    log(`Renkei STOW-RS: ${stowSeconds.toFixed(2)} s`);
    const orthancStowSeconds = await stow(`${orthanc.url}/dicom-web/studies`, orthancAgent, {});
    log(`Orthanc STOW-RS: ${orthancStowSeconds.toFixed(2)} s`);

    // C-STORE with dcmtk's storescu, into fresh stores on each side.
    const gatewayStores = await openTestStores('pglite');
    await gatewayStores.identity.query("INSERT INTO facilities (code, name, kind) VALUES ('3710000001', 'bench', 'hospital')");
    await registerDicomPeer(gatewayStores.identity, { aeTitle: 'BENCH_CT', facilityCode: '3710000001', address: null });
    const gateway = await startCStoreGateway(new ImageArchive(gatewayStores, deriveServerKeys(Buffer.alloc(32, 1)), new FileBlobStore(folder.file('gateway-images'))), 0);
    const storescu = async (port: number, called: string) => {
      const start = process.hrtime.bigint();
      await new Promise<void>((resolve, reject) =>
        execFile('storescu', ['-aet', 'BENCH_CT', '-aec', called, '127.0.0.1', String(port), ...files], { maxBuffer: 64 * 1024 * 1024 }, (error, _out, stderr) => (error ? reject(new Error(stderr)) : resolve())),
      );
      return seconds(start);
    };
    const cstoreSeconds = await storescu(gateway.port, GATEWAY_AE_TITLE);
    log(`Renkei C-STORE: ${cstoreSeconds.toFixed(2)} s`);
    await gateway.close();
    await gatewayStores.close();
    const orthanc2 = await startOrthanc(folder.file('orthanc-cstore'));
    const orthancCstoreSeconds = await storescu(orthanc2.dicomPort, orthanc2.aeTitle);
    log(`Orthanc C-STORE: ${orthancCstoreSeconds.toFixed(2)} s`);
    await orthanc2.stop();

    const get = async (url: string, dispatcher: Agent, headers: Record<string, string> = {}) => {
      const start = process.hrtime.bigint();
      const response = await request(url, { dispatcher, headers });
      let received = 0;
      const chunks: Buffer[] = [];
      for await (const chunk of response.body) {
        received += (chunk as Buffer).length;
        if (received < 8 * 1024 * 1024) chunks.push(chunk as Buffer);
      }
      if (response.statusCode !== 200) throw new Error(`${url} answered ${response.statusCode}`);
      return { seconds: seconds(start), bytes: received, head: Buffer.concat(chunks), headers: response.headers };
    };

    // QIDO and series metadata (a 250-instance series), the median of 7.
    const qido = await get(`${server.url}/dicomweb/studies?StudyInstanceUID=${study}`, agent, { cookie });
    log(`Renkei QIDO-RS: ${(qido.seconds * 1000).toFixed(1)} ms`);
    const metadataOf = async (url: string, dispatcher: Agent, headers: Record<string, string>) => {
      const times: number[] = [];
      for (let i = 0; i < 7; i++) {
        const answer = await get(url, dispatcher, { ...headers, 'accept-encoding': 'gzip', accept: 'application/dicom+json' });
        const json = JSON.parse((answer.headers['content-encoding'] === 'gzip' ? gunzipSync(answer.head) : answer.head).toString('utf8')) as unknown[];
        if (json.length !== SLICES) throw new Error(`metadata of ${json.length} instances, ${SLICES} expected`);
        times.push(answer.seconds * 1000);
      }
      return median(times);
    };
    const metadataMs = await metadataOf(`${server.url}/dicomweb/studies/${study}/series/${series[0]}/metadata`, agent, { cookie });
    const orthancMetadataMs = await metadataOf(`${orthanc.url}/dicom-web/studies/${study}/series/${series[0]}/metadata`, orthancAgent, {});
    log(`series metadata: Renkei ${metadataMs.toFixed(1)} ms, Orthanc ${orthancMetadataMs.toFixed(1)} ms`);

    // WADO-RS study retrieve, by curl: a client of its own, as a receiving PACS is.
    const renkeiCurl = { ca: caFile, cert: `${terminal.p12}:${terminal.password}`, cookie };
    const retrieve = await curlGet(`${server.url}/dicomweb/studies/${study}`, { ...renkeiCurl, accept: 'multipart/related; type="application/dicom"' });
    const orthancRetrieve = await curlGet(`${orthanc.url}/dicom-web/studies/${study}`, { accept: 'multipart/related; type="application/dicom"' });
    const retrieveMBps = retrieve.bytes / 1e6 / retrieve.seconds;
    const orthancRetrieveMBps = orthancRetrieve.bytes / 1e6 / orthancRetrieve.seconds;
    log(`WADO-RS study: Renkei ${retrieveMBps.toFixed(1)} MB/s (first byte after ${(retrieve.firstByteSeconds * 1000).toFixed(0)} ms), Orthanc ${orthancRetrieveMBps.toFixed(1)} MB/s (${(orthancRetrieve.firstByteSeconds * 1000).toFixed(0)} ms)`);

    // 250 frames in sequence on one connection, as a viewer scrolls the first series.
    const instances = JSON.parse((await get(`${server.url}/dicomweb/studies/${study}/series/${series[0]}/instances`, agent, { cookie })).head.toString()) as Array<Record<string, { Value: string[] }>>;
    const framesStart = process.hrtime.bigint();
    for (const instance of instances) await get(`${server.url}/dicomweb/studies/${study}/series/${series[0]}/instances/${instance['00080018']!.Value[0]}/frames/1`, agent, { cookie });
    const framesSeconds = seconds(framesStart);
    log(`${instances.length} frames in sequence: ${framesSeconds.toFixed(2)} s (${((framesSeconds * 1000) / instances.length).toFixed(1)} ms each)`);

    // First image: the series list, the first series' metadata and its first frame, one after another.
    const firstStart = process.hrtime.bigint();
    await get(`${server.url}/dicomweb/studies/${study}/series`, agent, { cookie });
    await get(`${server.url}/dicomweb/studies/${study}/series/${series[0]}/metadata`, agent, { cookie, 'accept-encoding': 'gzip' });
    await get(`${server.url}/dicomweb/studies/${study}/series/${series[0]}/instances/${instances[0]!['00080018']!.Value[0]}/frames/1`, agent, { cookie });
    const firstImageMs = seconds(firstStart) * 1000;
    log(`first image (series, metadata, frame 1): ${firstImageMs.toFixed(0)} ms`);

    // The ZIP, then the same bytes from nginx over the same TLS.
    const zip = await curlGet(`${server.url}/api/images/studies/${study}/download`, renkeiCurl);
    const zipMBps = zip.bytes / 1e6 / zip.seconds;
    log(`ZIP download: ${(zip.bytes / 1e6).toFixed(1)} MB at ${zipMBps.toFixed(1)} MB/s (first byte after ${(zip.firstByteSeconds * 1000).toFixed(0)} ms)`);
    const zipFile = folder.file('static/study.zip');
    await mkdir(path.dirname(zipFile), { recursive: true });
    const whole = await request(`${server.url}/api/images/studies/${study}/download`, { dispatcher: agent, headers: { cookie } });
    await writeFile(zipFile, Buffer.from(await whole.body.arrayBuffer()));
    const nginxMBps = await nginxSpeed(folder, dataDir, caFile, path.dirname(zipFile));
    log(`nginx static ZIP: ${nginxMBps.toFixed(1)} MB/s`);

    const figures = {
      instances: files.length,
      bytes,
      stowSeconds: round(stowSeconds, 2),
      orthancStowSeconds: round(orthancStowSeconds, 2),
      cstoreSeconds: round(cstoreSeconds, 2),
      orthancCstoreSeconds: round(orthancCstoreSeconds, 2),
      metadataMs: round(metadataMs, 1),
      orthancMetadataMs: round(orthancMetadataMs, 1),
      retrieveMBps: round(retrieveMBps, 1),
      orthancRetrieveMBps: round(orthancRetrieveMBps, 1),
      zipMBps: round(zipMBps, 1),
      nginxMBps: round(nginxMBps, 1),
      firstImageMs: round(firstImageMs, 0),
    };
    console.log(JSON.stringify(figures));
  } finally {
    await agent.close();
    await orthancAgent.close();
    await orthanc.stop();
    await serve.stop();
    await drop();
    await rm(dataDir, { recursive: true, force: true });
  }
}

/** nginx on loopback serving `root` over TLS with Renkei's server certificate; answers MB/s for study.zip. */
async function nginxSpeed(folder: Awaited<ReturnType<typeof workFolder>>, dataDir: string, caFile: string, root: string): Promise<number> {
  const ca = await loadOrCreateNetworkCa(dataDir);
  const tls = await loadOrCreateServerTls(dataDir, ca, {});
  // nginx's workers run as another user: they must be able to read the file.
  await chmod(folder.dir, 0o755);
  await chmod(root, 0o755);
  await chmod(path.join(root, 'study.zip'), 0o644);
  const prefix = folder.file('nginx');
  await mkdir(path.join(prefix, 'logs'), { recursive: true });
  await writeFile(path.join(prefix, 'cert.pem'), tls.certPem);
  await writeFile(path.join(prefix, 'key.pem'), tls.keyPem);
  const port = await freePort();
  const conf = `worker_processes 1; daemon off; pid ${prefix}/nginx.pid; error_log ${prefix}/logs/error.log;
events { worker_connections 64; }
http {
  access_log off; sendfile on; tcp_nopush on;
  client_body_temp_path ${prefix}/body; proxy_temp_path ${prefix}/proxy; fastcgi_temp_path ${prefix}/fastcgi; uwsgi_temp_path ${prefix}/uwsgi; scgi_temp_path ${prefix}/scgi;
  server {
    listen 127.0.0.1:${port} ssl;
    ssl_certificate ${prefix}/cert.pem; ssl_certificate_key ${prefix}/key.pem;
    ssl_protocols TLSv1.2 TLSv1.3;
    root ${root};
  }
}`;
  await writeFile(path.join(prefix, 'nginx.conf'), conf);
  const nginx = spawn('nginx', ['-p', prefix, '-c', path.join(prefix, 'nginx.conf'), '-e', path.join(prefix, 'logs/error.log')], { stdio: 'ignore' });
  try {
    const url = `https://localhost:${port}/study.zip`;
    for (let attempt = 0; ; attempt++) {
      try {
        await curlGet(`https://localhost:${port}/`, { ca: caFile, status: 'any' });
        break;
      } catch (error) {
        if (attempt > 100) throw error;
        await new Promise((r) => setTimeout(r, 50));
      }
    }
    const zip = await curlGet(url, { ca: caFile });
    return zip.bytes / 1e6 / zip.seconds;
  } finally {
    nginx.kill('SIGTERM');
  }
}

/**
 * A GET by curl, the body counted and dropped: bytes and seconds from the request to the
 * last byte (one TLS handshake included, as for every client measured so). A status other
 * than `status` (200; `any` for a probe) is an error.
 */
async function curlGet(url: string, options: { ca?: string; cert?: string; cookie?: string; accept?: string; status?: number | 'any' }): Promise<{ bytes: number; seconds: number; firstByteSeconds: number }> {
  const args = ['-sS', '-o', '/dev/null', '-w', '%{http_code} %{size_download} %{time_total} %{time_starttransfer}'];
  if (options.ca) args.push('--cacert', options.ca);
  if (options.cert) args.push('--cert-type', 'P12', '--cert', options.cert);
  if (options.cookie) args.push('-H', `cookie: ${options.cookie}`);
  if (options.accept) args.push('-H', `accept: ${options.accept}`);
  // Renkei's certificate names localhost.
  args.push('--connect-to', `localhost:${new URL(url).port}:127.0.0.1:${new URL(url).port}`, url.replace('127.0.0.1', 'localhost'));
  const { stdout } = await new Promise<{ stdout: string }>((resolve, reject) =>
    execFile('curl', args, (error, out) => (error ? reject(error) : resolve({ stdout: String(out) }))),
  );
  const [status, bytes, total, firstByte] = stdout.trim().split(' ').map(Number);
  if (options.status !== 'any' && status !== (options.status ?? 200)) throw new Error(`${url} answered ${status}`);
  return { bytes: bytes!, seconds: total!, firstByteSeconds: firstByte! };
}

function round(value: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

await main();
