/**
 * The demo network's participants: the 23 Kagawa insurers, addresses for the
 * synthetic facilities (which joined on 1 April 2024), and two applications
 * waiting — a dental clinic in Kagawa and a hospital in Okayama that needs the
 * steering committee's approval. Safe to run again: it only fills what is missing.
 */
import type { Db } from '@renkei/store';
import { facilities } from '@renkei/synthetic';
import { KAGAWA_INSURERS } from '@renkei/admin';

const DEMO_JOINED_ON = '2024-04-01';

/** Each demo city with a few of its own town names (the house numbers are invented). */
const TOWNS: Record<string, { city: string; streets: string[] }> = {
  takamatsu: { city: '香川県高松市', streets: ['番町一丁目', '栗林町二丁目', '瓦町一丁目', '天神前', '常磐町二丁目', '寿町一丁目', '中央町'] },
  marugame: { city: '香川県丸亀市', streets: ['大手町二丁目', '通町', '福島町', '城西町一丁目'] },
  sakaide: { city: '香川県坂出市', streets: ['寿町一丁目', '京町二丁目', '元町', '本町'] },
};

const APPLICATIONS = [
  { code: '3730112345', name: 'たかまつ歯科クリニック', kind: 'dental-clinic', address: '香川県高松市林町2-5', phone: '087-865-0001' },
  { code: '3310123458', name: '岡山みなと病院', kind: 'hospital', address: '岡山県玉野市築港1-1-1', phone: '0863-31-0001' },
] as const;

export async function seedDemoParticipants(identity: Db): Promise<void> {
  await identity.transaction(async (tx) => {
    for (const insurer of KAGAWA_INSURERS) {
      await tx.query(`INSERT INTO insurers (number, name, kind, status, status_changed_on) VALUES ($1, $2, $3, 'active', $4) ON CONFLICT (number) DO NOTHING`, [
        insurer.number,
        insurer.name,
        insurer.kind,
        DEMO_JOINED_ON,
      ]);
    }
    for (const [i, f] of facilities.entries()) {
      const town = TOWNS[f.city]!;
      const address = `${town.city}${town.streets[i % town.streets.length]}${(i % 9) + 1}-${(i % 5) + 2}`;
      // 高松 is 087-xxx-xxxx; 丸亀 and 坂出 are 0877-xx-xxxx.
      const areaDigits = f.phone.startsWith('0877') ? 4 : 3;
      const phone = `${f.phone.slice(0, areaDigits)}-${f.phone.slice(areaDigits, 6)}-${f.phone.slice(6)}`;
      const updated = await tx.query(`UPDATE facilities SET address = $2, phone = $3 WHERE code = $1 AND address = ''`, [f.code, address, phone]);
      if (updated.affectedRows > 0) {
        // The demo's participants joined before its claims begin: their fees are there for every month shown.
        await tx.query(`UPDATE facility_status_changes SET effective_on = $2, reason = '参加' WHERE facility_code = $1 AND recorded_by IN ('system', 'migration')`, [f.code, DEMO_JOINED_ON]);
      }
    }
    await tx.query(`SELECT set_config('renkei.actor', 'demo:seed', true)`);
    for (const a of APPLICATIONS) {
      await tx.query(`INSERT INTO facilities (code, name, kind, address, phone, status) VALUES ($1, $2, $3, $4, $5, 'applied') ON CONFLICT (code) DO NOTHING`, [a.code, a.name, a.kind, a.address, a.phone]);
    }
  });
}
