/**
 * The facilities of the demo region in Kagawa (都道府県 37): clinics and DPC
 * hospitals (点数表 1) and pharmacies (点数表 4). Names are invented; the
 * 7-digit codes end with a modulus-10 (weights 2-1) check digit like real ones.
 */

export const PREFECTURE = '37';

export type City = 'takamatsu' | 'marugame' | 'sakaide';

/** What a chronic condition or an acute episode needs: it decides the facility. */
export type Department = 'internal' | 'respiratory' | 'gastro' | 'orthopedic' | 'eye' | 'hospital';

export type FacilityKind = 'clinic' | 'hospital' | 'pharmacy';

export interface Facility {
  kind: FacilityKind;
  name: string;
  city: City;
  /** 点数表: 1 医科, 4 調剤. */
  table: '1' | '4';
  /** 医療機関コード / 薬局コード (7 digits). */
  institutionCode: string;
  /** 都道府県 + 点数表 + institutionCode: the directory name of its files. */
  code: string;
  phone: string;
  /** The doctor a pharmacy names as 保険医氏名 on prescriptions from here. */
  doctor: string;
  /** 院内処方: drugs are dispensed and billed (IY 21–23) by the clinic itself. */
  dispensesInHouse: boolean;
  /** Writes SN (資格確認) records; one older system does not. */
  writesSn: boolean;
  /** Share of acute diagnoses written as 未コード化傷病名 (0000999) with the name as text. */
  uncodedShare: number;
  /** The pharmacy in front of it (門前薬局), where most of its prescriptions go. */
  nearbyPharmacy: Facility | null;
}

function facility(
  kind: FacilityKind,
  name: string,
  city: City,
  institutionCode: string,
  phone: string,
  details: Partial<Pick<Facility, 'doctor' | 'dispensesInHouse' | 'writesSn' | 'uncodedShare' | 'nearbyPharmacy'>> = {},
): Facility {
  const table = kind === 'pharmacy' ? '4' : '1';
  return {
    kind,
    name,
    city,
    table,
    institutionCode,
    code: PREFECTURE + table + institutionCode,
    phone,
    doctor: details.doctor ?? '',
    dispensesInHouse: details.dispensesInHouse ?? false,
    writesSn: details.writesSn ?? true,
    uncodedShare: details.uncodedShare ?? 0,
    nearbyPharmacy: details.nearbyPharmacy ?? null,
  };
}

const ritsurinPharmacy = facility('pharmacy', 'さくら調剤薬局　栗林店', 'takamatsu', '0151233', '0878310101');
const kotodenPharmacy = facility('pharmacy', 'ことでん調剤薬局', 'takamatsu', '0152348', '0878620202');
const hospitalFrontPharmacy = facility('pharmacy', '中央病院前薬局', 'takamatsu', '0153452', '0878340303');
const marugamePharmacy = facility('pharmacy', '丸亀通町薬局', 'marugame', '0254565', '0877230404');
const sakaidePharmacy = facility('pharmacy', '坂出みなと薬局', 'sakaide', '0355677', '0877460505');

export const pharmacies: readonly Facility[] = [
  ritsurinPharmacy,
  kotodenPharmacy,
  hospitalFrontPharmacy,
  marugamePharmacy,
  sakaidePharmacy,
];

export const clinics = {
  takamatsuInternal: facility('clinic', '医療法人　さぬき内科クリニック', 'takamatsu', '0112342', '0878311234', {
    doctor: '讃岐　太郎',
    nearbyPharmacy: ritsurinPharmacy,
  }),
  marugameInternal: facility('clinic', '丸亀ふれあい内科・呼吸器内科', 'marugame', '0204560', '0877220456', {
    doctor: '白鳥　健一',
    nearbyPharmacy: marugamePharmacy,
  }),
  sakaideGastro: facility('clinic', '坂出いしい胃腸科内科', 'sakaide', '0307892', '0877450789', {
    doctor: '石井　恵子',
    dispensesInHouse: true,
    nearbyPharmacy: sakaidePharmacy,
  }),
  orthopedic: facility('clinic', '高松中央整形外科', 'takamatsu', '0123455', '0878612345', {
    doctor: '屋島　直樹',
    writesSn: false,
    uncodedShare: 0.08,
    nearbyPharmacy: kotodenPharmacy,
  }),
  eye: facility('clinic', '瀬戸内眼科医院', 'takamatsu', '0134569', '0878613456', {
    doctor: '栗林　裕子',
    nearbyPharmacy: kotodenPharmacy,
  }),
};

export const hospitals = {
  takamatsu: facility('hospital', '香川中央病院', 'takamatsu', '0100123', '0878330123', {
    doctor: '小豆島　誠',
    nearbyPharmacy: hospitalFrontPharmacy,
  }),
  marugame: facility('hospital', '丸亀総合医療センター', 'marugame', '0200345', '0877250345', {
    doctor: '琴平　陽子',
    nearbyPharmacy: marugamePharmacy,
  }),
};

/** Every facility, in a fixed order. */
export const facilities: readonly Facility[] = [...Object.values(clinics), ...Object.values(hospitals), ...pharmacies];

/** The facility a person of `city` goes to for `department`. */
export function facilityFor(department: Department, city: City): Facility {
  switch (department) {
    case 'internal':
    case 'respiratory':
      return city === 'marugame' ? clinics.marugameInternal : city === 'sakaide' ? clinics.sakaideGastro : clinics.takamatsuInternal;
    case 'gastro':
      return city === 'marugame' ? clinics.marugameInternal : clinics.sakaideGastro;
    case 'orthopedic':
      return clinics.orthopedic;
    case 'eye':
      return clinics.eye;
    case 'hospital':
      return city === 'marugame' ? hospitals.marugame : hospitals.takamatsu;
  }
}
