/**
 * The conditions that raise COVID-19 severity (新型コロナウイルス感染症 診療の手引き,
 * 第8.0版 list with the 第10.1版 additions), as claims can show them. The mapping
 * to codes is UKE_FORMAT.md §8; it is a screening aid, not a diagnosis.
 */
import type { DiseaseGroupDefinition } from '@renkei/api';

const group = (g: Partial<DiseaseGroupDefinition> & Pick<DiseaseGroupDefinition, 'id' | 'name'>): DiseaseGroupDefinition => ({
  icd10: [],
  diagnosisCodes: [],
  drugClasses: [],
  procedureCodes: [],
  ...g,
});

export const COVID_RISK_GROUPS: readonly DiseaseGroupDefinition[] = [
  group({ id: 'covid-age-65', name: '65歳以上', minAge: 65 }),
  group({ id: 'covid-male', name: '男性（手引き第10.1版）', sex: 'male' }),
  group({ id: 'covid-malignancy', name: '悪性腫瘍', icd10: ['C00-C97', 'D00-D09'], drugClasses: ['42'], procedureCodes: ['M000', 'M001', 'M002'] }),
  group({ id: 'covid-respiratory', name: '慢性呼吸器疾患（COPD・喘息・間質性肺疾患など）', icd10: ['J41-J47', 'J84', 'I26-I27'], procedureCodes: ['C103'] }),
  group({ id: 'covid-ckd', name: '慢性腎臓病', icd10: ['N18-N19', 'I12-I13', 'Z49', 'Z992'], procedureCodes: ['J038', 'J042'] }),
  group({ id: 'covid-diabetes', name: '糖尿病', icd10: ['E10-E14'], drugClasses: ['396', '2492'] }),
  group({ id: 'covid-hypertension', name: '高血圧', icd10: ['I10-I15'] }),
  group({ id: 'covid-dyslipidemia', name: '脂質異常症', icd10: ['E78'] }),
  group({ id: 'covid-cardiovascular', name: '心臓・血管の病気（虚血性心疾患・心不全・心筋症など）', icd10: ['I20-I25', 'I42-I43', 'I50', 'I48', 'I05-I09', 'I34-I39'] }),
  group({ id: 'covid-cerebrovascular', name: '脳血管疾患', icd10: ['I60-I69'] }),
  group({ id: 'covid-obesity', name: '肥満（BMI 30以上）', icd10: ['E66'] }),
  group({ id: 'covid-smoking', name: '喫煙', icd10: ['F17', 'Z720'], procedureCodes: ['113008310'] }),
  group({ id: 'covid-transplant', name: '固形臓器移植後の免疫不全', icd10: ['Z940-Z944', 'T86'] }),
  group({ id: 'covid-immunosuppression', name: '免疫抑制・調整薬の使用、免疫不全', icd10: ['D80-D84'], drugClasses: ['245'], drugRoutes: ['oral', 'injection'] }),
  group({ id: 'covid-pregnancy', name: '妊娠', icd10: ['O00-O99', 'Z33-Z35'] }),
  // Not YJ 625: 抗ウイルス剤 also holds influenza drugs.
  group({ id: 'covid-hiv', name: 'HIV感染症', icd10: ['B20-B24', 'Z21'] }),
  group({ id: 'covid-liver', name: '慢性肝疾患・肝硬変', icd10: ['K70-K77'] }),
];
