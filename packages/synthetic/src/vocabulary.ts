/**
 * The codes the generator writes, taken from the official 基本マスター so that
 * names resolve: 傷病名 (b_20240601), 修飾語 (z_20250601), 医科診療行為
 * (s_ALL20240531), 医薬品 (y_ALL20240321) and 特定器材 (t_ALL20240315).
 * `vocabulary.test.ts` checks every entry against those files.
 *
 * It doubles as the demo's own small master where no official master has been
 * imported, hence the names, ICD-10 codes, sections and YJ codes.
 */

export type VocabularyKind = 'b' | 'z' | 's' | 'y' | 't';

export interface VocabularyEntry {
  kind: VocabularyKind;
  code: string;
  /** The master's name: b col 5, z col 6, s/y/t col 4. */
  name: string;
  /** b, s, y: the master's カナ名称 (b col 10, s and y col 7), which kana search reads. */
  kana?: string;
  /** b: ICD-10 (2013), col 15, no dot. */
  icd10?: string;
  /** s: アルファベット部 (col 84) + 区分番号 (col 91), e.g. K282 (枝番 not included: K655-2 is K655). */
  section?: string;
  /** y: 薬価基準収載医薬品コード (col 31). */
  yjCode?: string;
  /** y: 単位名 (col 9); t: 単位 (col 9) where the master has one. */
  unit?: string;
  /** y: 単位コード (col 7), which a DPC CD line carries. */
  unitCode?: string;
  /** s: 点数 (col 11); y, t: price in yen (col 11). */
  price?: number;
  /** z: where the 修飾語 goes around the disease name (8xxx are suffixes). */
  modifierPosition?: 'prefix' | 'suffix';
}

export const vocab = {
  // b
  hypertension: { kind: 'b', code: '8833421', name: '高血圧症', kana: 'コウケツアツショウ', icd10: 'I10' },
  type2Diabetes: { kind: 'b', code: '2500015', name: '２型糖尿病', kana: '２ガタトウニョウビョウ', icd10: 'E11' },
  diabetes: { kind: 'b', code: '2500013', name: '糖尿病', kana: 'トウニョウビョウ', icd10: 'E14' },
  dyslipidemia: { kind: 'b', code: '8844446', name: '脂質異常症', kana: 'シシツイジョウショウ', icd10: 'E785' },
  hypercholesterolemia: { kind: 'b', code: '2720004', name: '高コレステロール血症', kana: 'コウコレステロールケッショウ', icd10: 'E780' },
  obesity: { kind: 'b', code: '8839404', name: '肥満症', kana: 'ヒマンショウ', icd10: 'E669' },
  hyperuricemia: { kind: 'b', code: '7906015', name: '高尿酸血症', kana: 'コウニョウサンケッショウ', icd10: 'E790' },
  asthma: { kind: 'b', code: '4939008', name: '気管支喘息', kana: 'キカンシゼンソク', icd10: 'J459' },
  copd: { kind: 'b', code: '8840399', name: '慢性閉塞性肺疾患', kana: 'マンセイヘイソクセイハイシッカン', icd10: 'J449' },
  ckd: { kind: 'b', code: '8844106', name: '慢性腎臓病', kana: 'マンセイジンゾウビョウ', icd10: 'N189' },
  chronicHeartFailure: { kind: 'b', code: '4289018', name: '慢性心不全', kana: 'マンセイシンフゼン', icd10: 'I509' },
  heartFailure: { kind: 'b', code: '4289015', name: '心不全', kana: 'シンフゼン', icd10: 'I509' },
  atrialFibrillation: { kind: 'b', code: '4273006', name: '心房細動', kana: 'シンボウサイドウ', icd10: 'I489' },
  cerebralInfarction: { kind: 'b', code: '8838708', name: '脳梗塞', kana: 'ノウコウソク', icd10: 'I639' },
  cerebralInfarctionSequelae: { kind: 'b', code: '4389014', name: '脳梗塞後遺症', kana: 'ノウコウソクコウイショウ', icd10: 'I693' },
  gastricUlcer: { kind: 'b', code: '5319009', name: '胃潰瘍', kana: 'イカイヨウ', icd10: 'K259' },
  refluxEsophagitis: { kind: 'b', code: '5301002', name: '逆流性食道炎', kana: 'ギャクリュウセイショクドウエン', icd10: 'K210' },
  constipation: { kind: 'b', code: '8840042', name: '便秘症', kana: 'ベンピショウ', icd10: 'K590' },
  osteoporosis: { kind: 'b', code: '7330006', name: '骨粗鬆症', kana: 'コツソショウショウ', icd10: 'M8199' },
  kneeOsteoarthritis: { kind: 'b', code: '7153018', name: '変形性膝関節症', kana: 'ヘンケイセイシツカンセツショウ', icd10: 'M171' },
  lowBackPain: { kind: 'b', code: '8840829', name: '腰痛症', kana: 'ヨウツウショウ', icd10: 'M5456' },
  lumbarCompressionFracture: { kind: 'b', code: '8054003', name: '腰椎圧迫骨折', kana: 'ヨウツイアッパクコッセツ', icd10: 'S3200' },
  distalRadiusFracture: { kind: 'b', code: '8838017', name: '橈骨遠位端骨折', kana: 'トウコツエンイタンコッセツ', icd10: 'S5250' },
  femoralNeckFracture: { kind: 'b', code: '8208009', name: '大腿骨頚部骨折', kana: 'ダイタイコツケイブコッセツ', icd10: 'S7200' },
  cataract: { kind: 'b', code: '3661013', name: '加齢性白内障', kana: 'カレイセイハクナイショウ', icd10: 'H259' },
  glaucoma: { kind: 'b', code: '3651010', name: '原発開放隅角緑内障', kana: 'ゲンパツカイホウグウカクリョクナイショウ', icd10: 'H401' },
  dryEye: { kind: 'b', code: '8842163', name: 'ドライアイ', kana: 'ドライアイ', icd10: 'H041' },
  allergicConjunctivitis: { kind: 'b', code: '3721002', name: 'アレルギー性結膜炎', kana: 'アレルギーセイケツマクエン', icd10: 'H101' },
  allergicRhinitis: { kind: 'b', code: '4779004', name: 'アレルギー性鼻炎', kana: 'アレルギーセイビエン', icd10: 'J304' },
  insomnia: { kind: 'b', code: '8839792', name: '不眠症', kana: 'フミンショウ', icd10: 'G470' },
  acuteUpperRespiratoryInfection: { kind: 'b', code: '4659007', name: '急性上気道炎', kana: 'キュウセイジョウキドウエン', icd10: 'J069' },
  acuteBronchitis: { kind: 'b', code: '4660009', name: '急性気管支炎', kana: 'キュウセイキカンシエン', icd10: 'J209' },
  influenza: { kind: 'b', code: '4871001', name: 'インフルエンザ', kana: 'インフルエンザ', icd10: 'J111' },
  covid19: { kind: 'b', code: '8850104', name: 'ＣＯＶＩＤ－１９', kana: 'ＣＯＶＩＤ－１９', icd10: 'U071' },
  infectiousGastroenteritis: { kind: 'b', code: '0090001', name: '感染性胃腸炎', kana: 'カンセンセイイチョウエン', icd10: 'A090' },
  pneumonia: { kind: 'b', code: '4860030', name: '肺炎', kana: 'ハイエン', icd10: 'J189' },
  gastricCancer: { kind: 'b', code: '1519006', name: '胃癌', kana: 'イガン', icd10: 'C169' },
  colorectalCancer: { kind: 'b', code: '1539004', name: '大腸癌', kana: 'ダイチョウガン', icd10: 'C189' },
  lungCancer: { kind: 'b', code: '1629006', name: '肺癌', kana: 'ハイガン', icd10: 'C349' },
  breastCancer: { kind: 'b', code: '1749008', name: '乳癌', kana: 'ニュウガン', icd10: 'C509' },
  // z
  suspected: { kind: 'z', code: '8002', name: 'の疑い', modifierPosition: 'suffix' },
  left: { kind: 'z', code: '2049', name: '左', modifierPosition: 'prefix' },
  right: { kind: 'z', code: '2056', name: '右', modifierPosition: 'prefix' },
  bilateral: { kind: 'z', code: '2057', name: '両', modifierPosition: 'prefix' },
  // s
  initialVisit: { kind: 's', code: '111000110', name: '初診料', kana: 'ｼｮｼﾝﾘｮｳ', section: 'A000', price: 291 },
  initialFunctionBonus: { kind: 's', code: '111013770', name: '機能強化加算（初診）', kana: 'ｷﾉｳｷｮｳｶｶｻﾝ', section: 'A000', price: 80 },
  initialInfoBonus: { kind: 's', code: '111703170', name: '医療情報取得加算１（初診）', kana: 'ｲﾘｮｳｼﾞｮｳﾎｳｼｭﾄｸｶｻﾝ1', section: 'A000', price: 3 },
  initialInfectionControlBonus: { kind: 's', code: '111014870', name: '外来感染対策向上加算（初診）', kana: 'ｶﾞｲﾗｲｶﾝｾﾝﾀｲｻｸｺｳｼﾞｮｳｶ', section: 'A000', price: 6 },
  revisit: { kind: 's', code: '112007410', name: '再診料', kana: 'ｻｲｼﾝﾘｮｳ', section: 'A001', price: 75 },
  outpatientManagementBonus: { kind: 's', code: '112011010', name: '外来管理加算', kana: 'ｶﾞｲﾗｲｶﾝﾘｶｻﾝ', section: 'A001', price: 52 },
  itemizedStatementBonus: { kind: 's', code: '112015770', name: '明細書発行体制等加算', kana: 'ﾒｲｻｲｼｮﾊｯｺｳﾀｲｾｲﾄｳｶｻﾝ', section: 'A001', price: 1 },
  revisitInfoBonus: { kind: 's', code: '112708870', name: '医療情報取得加算３（再診）', kana: 'ｲﾘｮｳｼﾞｮｳﾎｳｼｭﾄｸｶｻﾝ3', section: 'A001', price: 2 },
  revisitInfectionControlBonus: { kind: 's', code: '112024370', name: '外来感染対策向上加算（再診）', kana: 'ｶﾞｲﾗｲｶﾝｾﾝﾀｲｻｸｺｳｼﾞｮｳｶ', section: 'A001', price: 6 },
  hospitalOutpatientFee: { kind: 's', code: '112011310', name: '外来診療料', kana: 'ｶﾞｲﾗｲｼﾝﾘｮｳﾘｮｳ', section: 'A002', price: 76 },
  specificDiseaseManagement: { kind: 's', code: '113001810', name: '特定疾患療養管理料（診療所）', kana: 'ﾄｸﾃｲｼｯｶﾝﾘｮｳﾖｳｶﾝﾘﾘｮｳ', section: 'B000', price: 225 },
  lifestyleDiseaseManagement2: { kind: 's', code: '113707110', name: '生活習慣病管理料２', kana: 'ｾｲｶﾂｼｭｳｶﾝﾋﾞｮｳｶﾝﾘﾘｮｳ2', section: 'B001', price: 333 },
  tumorMarkerManagement: { kind: 's', code: '113001310', name: '悪性腫瘍特異物質治療管理料（その他・１項目）', kana: 'ｱｸｾｲｼｭﾖｳﾄｸｲﾌﾞｯｼﾂﾁﾘｮｳ', section: 'B001', price: 360 },
  prescriptionFee: { kind: 's', code: '120002910', name: '処方箋料（リフィル以外・その他）', kana: 'ｼｮﾎｳｾﾝﾘｮｳ', section: 'F400', price: 60 },
  genericNameBonus2: { kind: 's', code: '120003570', name: '一般名処方加算２（処方箋料）', kana: 'ｲｯﾊﾟﾝﾒｲｼｮﾎｳｶｻﾝ2', section: 'F400', price: 8 },
  specificDiseasePrescriptionBonus: { kind: 's', code: '120005710', name: '特定疾患処方管理加算（処方箋料）', kana: 'ﾄｸﾃｲｼｯｶﾝｼｮﾎｳｶﾝﾘｶｻﾝ', section: 'F400', price: 56 },
  inHousePrescriptionFee: { kind: 's', code: '120001210', name: '処方料（その他）', kana: 'ｼｮﾎｳﾘｮｳ', section: 'F100', price: 42 },
  inHouseSpecificDiseaseBonus: { kind: 's', code: '120005610', name: '特定疾患処方管理加算（処方料）', kana: 'ﾄｸﾃｲｼｯｶﾝｼｮﾎｳｶﾝﾘｶｻﾝ', section: 'F100', price: 56 },
  dispensingInternal: { kind: 's', code: '120000710', name: '調剤料（内服薬・浸煎薬・屯服薬）', kana: 'ﾁｮｳｻﾞｲﾘｮｳ', section: 'F000', price: 11 },
  dispensingExternal: { kind: 's', code: '120001010', name: '調剤料（外用薬）', kana: 'ﾁｮｳｻﾞｲﾘｮｳ', section: 'F000', price: 8 },
  dispensingBase: { kind: 's', code: '120001810', name: '調基（その他）', kana: 'ﾁｮｳｷ', section: 'F500', price: 14 },
  cbc: { kind: 's', code: '160008010', name: '末梢血液一般検査', kana: 'ﾏｯｼｮｳｹﾂｴｷｲｯﾊﾟﾝｹﾝｻ', section: 'D005', price: 21 },
  hba1c: { kind: 's', code: '160010010', name: 'ＨｂＡ１ｃ', kana: 'HBA1C', section: 'D005', price: 49 },
  urinalysis: { kind: 's', code: '160000310', name: '尿一般', kana: 'ﾆｮｳｲｯﾊﾟﾝ', section: 'D000', price: 26 },
  urineProtein: { kind: 's', code: '160000410', name: '尿蛋白', kana: 'ﾆｮｳﾀﾝﾊﾟｸ', section: 'D001', price: 7 },
  totalProtein: { kind: 's', code: '160017410', name: 'ＴＰ', kana: 'TP', section: 'D007', price: 11 },
  albumin: { kind: 's', code: '160018910', name: 'Ａｌｂ（ＢＣＰ改良法・ＢＣＧ法）', kana: 'ALB', section: 'D007', price: 11 },
  bun: { kind: 's', code: '160019010', name: 'ＢＵＮ', kana: 'BUN', section: 'D007', price: 11 },
  creatinine: { kind: 's', code: '160019210', name: 'クレアチニン', kana: 'ｸﾚｱﾁﾆﾝ', section: 'D007', price: 11 },
  uricAcid: { kind: 's', code: '160019310', name: 'ＵＡ', kana: 'UA', section: 'D007', price: 11 },
  glucose: { kind: 's', code: '160019410', name: 'グルコース', kana: 'ｸﾞﾙｺｰｽ', section: 'D007', price: 11 },
  gammaGt: { kind: 's', code: '160020410', name: 'γ－ＧＴ', kana: 'ｶﾞﾝﾏGT', section: 'D007', price: 11 },
  triglycerides: { kind: 's', code: '160020910', name: 'ＴＧ', kana: 'TG', section: 'D007', price: 11 },
  sodiumChloride: { kind: 's', code: '160021110', name: 'ナトリウム及びクロール', kana: 'ﾅﾄﾘｳﾑｵﾖﾋﾞｸﾛｰﾙ', section: 'D007', price: 11 },
  potassium: { kind: 's', code: '160021410', name: 'カリウム', kana: 'ｶﾘｳﾑ', section: 'D007', price: 11 },
  totalCholesterol: { kind: 's', code: '160022410', name: 'Ｔｃｈｏ', kana: 'TCHO', section: 'D007', price: 17 },
  ast: { kind: 's', code: '160022510', name: 'ＡＳＴ', kana: 'AST', section: 'D007', price: 17 },
  alt: { kind: 's', code: '160022610', name: 'ＡＬＴ', kana: 'ALT', section: 'D007', price: 17 },
  hdl: { kind: 's', code: '160023410', name: 'ＨＤＬ－コレステロール', kana: 'HDLｺﾚｽﾃﾛｰﾙ', section: 'D007', price: 17 },
  ldl: { kind: 's', code: '160167250', name: 'ＬＤＬ－コレステロール', kana: 'LDLｺﾚｽﾃﾛｰﾙ', section: 'D007', price: 18 },
  crp: { kind: 's', code: '160054710', name: 'ＣＲＰ', kana: 'CRP', section: 'D015', price: 16 },
  bnp: { kind: 's', code: '160162350', name: 'ＢＮＰ', kana: 'BNP', section: 'D008', price: 130 },
  cea: { kind: 's', code: '160036510', name: 'ＣＥＡ', kana: 'CEA', section: 'D009', price: 99 },
  urineJudgement: { kind: 's', code: '160061710', name: '尿・糞便等検査判断料', kana: 'ﾆｮｳﾌﾝﾍﾞﾝﾄｳｹﾝｻﾊﾝﾀﾞﾝﾘｮ', section: 'D026', price: 34 },
  hematologyJudgement: { kind: 's', code: '160061810', name: '血液学的検査判断料', kana: 'ｹﾂｴｷｶﾞｸﾃｷｹﾝｻﾊﾝﾀﾞﾝﾘｮｳ', section: 'D026', price: 125 },
  biochemistry1Judgement: { kind: 's', code: '160061910', name: '生化学的検査（１）判断料', kana: 'ｾｲｶｶﾞｸﾃｷｹﾝｻﾊﾝﾀﾞﾝﾘｮｳ', section: 'D026', price: 144 },
  biochemistry2Judgement: { kind: 's', code: '160062010', name: '生化学的検査（２）判断料', kana: 'ｾｲｶｶﾞｸﾃｷｹﾝｻﾊﾝﾀﾞﾝﾘｮｳ', section: 'D026', price: 144 },
  immunologyJudgement: { kind: 's', code: '160062110', name: '免疫学的検査判断料', kana: 'ﾒﾝｴｷｶﾞｸﾃｷｹﾝｻﾊﾝﾀﾞﾝﾘｮｳ', section: 'D026', price: 144 },
  microbiologyJudgement: { kind: 's', code: '160062210', name: '微生物学的検査判断料', kana: 'ﾋﾞｾｲﾌﾞﾂｶﾞｸﾃｷｹﾝｻﾊﾝﾀﾞﾝ', section: 'D026', price: 150 },
  venousBloodSampling: { kind: 's', code: '160095710', name: 'Ｂ－Ｖ', kana: 'BV', section: 'D400', price: 40 },
  rapidTestBonus: { kind: 's', code: '160177770', name: '外来迅速検体検査加算', kana: 'ｶﾞｲﾗｲｼﾞﾝｿｸｹﾝﾀｲｹﾝｻｶｻﾝ', section: 'D000', price: 10 },
  ecg: { kind: 's', code: '160068410', name: 'ＥＣＧ１２', kana: 'ECG12', section: 'D208', price: 130 },
  lungVolume: { kind: 's', code: '160062610', name: '肺気量分画測定', kana: 'ﾊｲｷﾘｮｳﾌﾞﾝｶｸｿｸﾃｲ', section: 'D200', price: 90 },
  flowVolume: { kind: 's', code: '160062710', name: 'フローボリューム', kana: 'ﾌﾛｰﾎﾞﾘｭｰﾑ', section: 'D200', price: 100 },
  respiratoryJudgement: { kind: 's', code: '160146910', name: '呼吸機能検査等判断料', kana: 'ｺｷｭｳｷﾉｳｹﾝｻﾄｳﾊﾝﾀﾞﾝﾘｮｳ', section: 'D205', price: 140 },
  fundusExam: { kind: 's', code: '160081130', name: '精密眼底検査（両）', kana: 'ｾｲﾐﾂｶﾞﾝﾃｲｹﾝｻ', section: 'D255', price: 112 },
  slitLamp: { kind: 's', code: '160081610', name: 'スリットＭ（前・後眼部）', kana: 'ｽﾘｯﾄM', section: 'D257', price: 110 },
  tonometry: { kind: 's', code: '160082910', name: '精密眼圧', kana: 'ｾｲﾐﾂｶﾞﾝｱﾂ', section: 'D264', price: 82 },
  visualAcuity: { kind: 's', code: '160179110', name: '矯正視力検査（１以外）', kana: 'ｷｮｳｾｲｼﾘｮｸｹﾝｻ', section: 'D263', price: 69 },
  refraction: { kind: 's', code: '160208010', name: '屈折検査（１以外）', kana: 'ｸｯｾﾂｹﾝｻ', section: 'D261', price: 69 },
  gastroscopy: { kind: 's', code: '160093810', name: 'ＥＦ－胃・十二指腸', kana: 'EFｲｼﾞｭｳﾆｼﾁｮｳ', section: 'D308', price: 1140 },
  boneDensity: { kind: 's', code: '160091310', name: '骨塩定量検査（ＤＥＸＡ法による腰椎撮影）', kana: 'ｺﾂｴﾝﾃｲﾘｮｳｹﾝｻ', section: 'D217', price: 360 },
  influenzaAntigen: { kind: 's', code: '160169450', name: 'インフルエンザウイルス抗原定性', kana: 'ｲﾝﾌﾙｴﾝｻﾞｳｲﾙｽｺｳｹﾞﾝﾃｲｾ', section: 'D012', price: 132 },
  sarsCov2Antigen: { kind: 's', code: '160229850', name: 'ＳＡＲＳ－ＣｏＶ－２抗原定性', kana: 'SARSCOV2ｺｳｹﾞﾝﾃｲｾｲ', section: 'D012', price: 150 },
  bloodCulture: { kind: 's', code: '160058610', name: '細菌培養同定検査（血液）', kana: 'ｻｲｷﾝﾊﾞｲﾖｳﾄﾞｳﾃｲｹﾝｻ', section: 'D018', price: 225 },
  echocardiography: { kind: 's', code: '160072510', name: '超音波検査（心臓超音波検査）（経胸壁心エコー法）', kana: 'ﾁｮｳｵﾝﾊﾟｹﾝｻ', section: 'D215', price: 880 },
  pulseOximetry: { kind: 's', code: '160155510', name: '経皮的動脈血酸素飽和度測定', kana: 'ｹｲﾋﾃｷﾄﾞｳﾐｬｸｹﾂｻﾝｿﾎｳﾜﾄ', section: 'D223', price: 35 },
  cardiorespiratoryMonitoring: { kind: 's', code: '160073510', name: '呼吸心拍監視', kana: 'ｺｷｭｳｼﾝﾊﾟｸｶﾝｼ', section: 'D220', price: 50 },
  xrayDiagnosis: { kind: 's', code: '170000410', name: '単純撮影（イ）の写真診断', kana: 'ﾀﾝｼﾞｭﾝｻﾂｴｲﾉｼｬｼﾝｼﾝﾀﾞﾝ', section: 'E001', price: 85 },
  xrayDigital: { kind: 's', code: '170027910', name: '単純撮影（デジタル撮影）', kana: 'ﾀﾝｼﾞｭﾝｻﾂｴｲ', section: 'E002', price: 68 },
  xrayElectronicBonus: { kind: 's', code: '170000210', name: '電子画像管理加算（単純撮影）', kana: 'ﾃﾞﾝｼｶﾞｿﾞｳｶﾝﾘｶｻﾝ', section: 'E000', price: 57 },
  ct64: { kind: 's', code: '170033410', name: 'ＣＴ撮影（６４列以上マルチスライス型機器）（その他）', kana: 'CTｻﾂｴｲ', section: 'E200', price: 1000 },
  ctDiagnosis: { kind: 's', code: '170015410', name: 'コンピューター断層診断', kana: 'ｺﾝﾋﾟｭｰﾀｰﾀﾞﾝｿｳｼﾝﾀﾞﾝ', section: 'E203', price: 450 },
  ctElectronicBonus: { kind: 's', code: '170028810', name: '電子画像管理加算（コンピューター断層診断料）', kana: 'ﾃﾞﾝｼｶﾞｿﾞｳｶﾝﾘｶｻﾝ', section: 'E000', price: 120 },
  mri: { kind: 's', code: '170020110', name: 'ＭＲＩ撮影（１．５テスラ以上３テスラ未満の機器）', kana: 'MRIｻﾂｴｲ', section: 'E202', price: 1330 },
  compressPoultice: { kind: 's', code: '140002210', name: '消炎鎮痛等処置（湿布処置）', kana: 'ｼｮｳｴﾝﾁﾝﾂｳﾄｳｼｮﾁ', section: 'J119', price: 35 },
  eyeTreatment: { kind: 's', code: '140017610', name: '眼処置', kana: 'ｶﾞﾝｼｮﾁ', section: 'J086', price: 25 },
  castForearm: { kind: 's', code: '140040610', name: '四肢ギプス包帯（半肢）（片）', kana: 'ｼｼｷﾞﾌﾟｽﾎｳﾀｲ', section: 'J122', price: 780 },
  intraArticularInjection: { kind: 's', code: '130005310', name: '関節腔内注射', kana: 'ｶﾝｾﾂｸｳﾅｲﾁｭｳｼｬ', section: 'G010', price: 80 },
  dripInfusion: { kind: 's', code: '130003810', name: '点滴注射', kana: 'ﾃﾝﾃｷﾁｭｳｼｬ', section: 'G004', price: 102 },
  intravenousInjection: { kind: 's', code: '130003510', name: '静脈内注射', kana: 'ｼﾞｮｳﾐｬｸﾅｲﾁｭｳｼｬ', section: 'G001', price: 37 },
  closedReductionForearm: { kind: 's', code: '150016810', name: '骨折非観血的整復術（前腕）', kana: 'ｺｯｾﾂﾋｶﾝｹﾂﾃｷｾｲﾌｸｼﾞｭﾂ', section: 'K044', price: 2040 },
  openReductionForearm: { kind: 's', code: '150019310', name: '骨折観血的手術（前腕）', kana: 'ｺｯｾﾂｶﾝｹﾂﾃｷｼｭｼﾞｭﾂ', section: 'K046', price: 18370 },
  cataractSurgery: { kind: 's', code: '150253010', name: '水晶体再建術（眼内レンズを挿入）（その他）', kana: 'ｽｲｼｮｳﾀｲｻｲｹﾝｼﾞｭﾂ', section: 'K282', price: 12100 },
  laparoscopicGastrectomy: { kind: 's', code: '150323510', name: '腹腔鏡下胃切除術（悪性腫瘍手術）', kana: 'ﾌｸｸｳｷｮｳｶｲｾﾂｼﾞｮｼﾞｭﾂ', section: 'K655', price: 64120 },
  laparoscopicColectomy: { kind: 's', code: '150324910', name: '腹腔鏡下結腸悪性腫瘍切除術', kana: 'ﾌｸｸｳｷｮｳｶｹｯﾁｮｳｱｸｾｲｼｭﾖ', section: 'K719', price: 59510 },
  thoracoscopicLobectomy: { kind: 's', code: '150358810', name: '胸腔鏡下肺悪性腫瘍手術（肺葉切除又は１肺葉を超える）', kana: 'ｷｮｳｸｳｷｮｳｶﾊｲｱｸｾｲｼｭﾖｳｼ', section: 'K514', price: 92000 },
  mastectomy: { kind: 's', code: '150121710', name: '乳腺悪性腫瘍手術（乳房切除術・胸筋切除を併施しない）', kana: 'ﾆｭｳｾﾝｱｸｾｲｼｭﾖｳｼｭｼﾞｭﾂ', section: 'K476', price: 42350 },
  hemiarthroplasty: { kind: 's', code: '150049510', name: '人工骨頭挿入術（股）', kana: 'ｼﾞﾝｺｳｺﾂﾄｳｿｳﾆｭｳｼﾞｭﾂ', section: 'K081', price: 19500 },
  generalAnesthesia: { kind: 's', code: '150233410', name: '閉鎖循環式全身麻酔５', kana: 'ﾍｲｻｼﾞｭﾝｶﾝｼｷｾﾞﾝｼﾝﾏｽｲ5', section: 'L008', price: 6000 },
  anesthesiaManagement: { kind: 's', code: '150279110', name: '麻酔管理料１（閉鎖循環式全身麻酔）', kana: 'ﾏｽｲｶﾝﾘﾘｮｳ1', section: 'L009', price: 1050 },
  spinalAnesthesia: { kind: 's', code: '150232910', name: '脊椎麻酔', kana: 'ｾｷﾂｲﾏｽｲ', section: 'L004', price: 850 },
  acuteCareWard1: { kind: 's', code: '190117710', name: '急性期一般入院料１', kana: 'ｷｭｳｾｲｷｲｯﾊﾟﾝﾆｭｳｲﾝﾘｮｳ1', section: 'A100', price: 1688 },
  musculoskeletalRehab: { kind: 's', code: '180755710', name: '運動器リハビリテーション料（１）（理学療法士による場合）', kana: 'ｳﾝﾄﾞｳｷﾘﾊﾋﾞﾘﾃｰｼｮﾝﾘｮｳ1', section: 'H002', price: 185 },
  cerebrovascularRehab: { kind: 's', code: '180745310', name: '脳血管疾患等リハビリテーション料（１）（理学療法士による場合）', kana: 'ﾉｳｹｯｶﾝｼｯｶﾝﾄｳﾘﾊﾋﾞﾘﾃｰｼ', section: 'H001', price: 245 },
  // y
  amlodipine: { kind: 'y', code: '620007870', name: 'アムロジピン錠５ｍｇ「サワイ」', kana: 'ｱﾑﾛｼﾞﾋﾟﾝｼﾞｮｳ5MGｻﾜｲ', yjCode: '2171022F2017', unit: '錠', unitCode: '16', price: 10.1 },
  amlodin: { kind: 'y', code: '620005905', name: 'アムロジン錠５ｍｇ', kana: 'ｱﾑﾛｼﾞﾝｼﾞｮｳ5MG', yjCode: '2171022F2041', unit: '錠', unitCode: '16', price: 15.2 },
  telmisartan: { kind: 'y', code: '622535601', name: 'テルミサルタン錠４０ｍｇ「ＤＳＥＰ」', kana: 'ﾃﾙﾐｻﾙﾀﾝｼﾞｮｳ40MGDSEP', yjCode: '2149042F2030', unit: '錠', unitCode: '16', price: 19.2 },
  candesartan: { kind: 'y', code: '622358001', name: 'カンデサルタン錠８ｍｇ「あすか」', kana: 'ｶﾝﾃﾞｻﾙﾀﾝｼﾞｮｳ8MGｱｽｶ', yjCode: '2149040F3037', unit: '錠', unitCode: '16', price: 31.3 },
  metformin: { kind: 'y', code: '622412701', name: 'メトホルミン塩酸塩錠２５０ｍｇＭＴ「トーワ」', kana: 'ﾒﾄﾎﾙﾐﾝｴﾝｻﾝｴﾝｼﾞｮｳ250M', yjCode: '3962002F2019', unit: '錠', unitCode: '16', price: 10.1 },
  januvia: { kind: 'y', code: '621951001', name: 'ジャヌビア錠５０ｍｇ', kana: 'ｼﾞｬﾇﾋﾞｱｼﾞｮｳ50MG', yjCode: '3969010F2030', unit: '錠', unitCode: '16', price: 111.5 },
  trazenta: { kind: 'y', code: '622093501', name: 'トラゼンタ錠５ｍｇ', kana: 'ﾄﾗｾﾞﾝﾀｼﾞｮｳ5MG', yjCode: '3969014F1024', unit: '錠', unitCode: '16', price: 122 },
  forxiga: { kind: 'y', code: '622342001', name: 'フォシーガ錠１０ｍｇ', kana: 'ﾌｫｼｰｶﾞｼﾞｮｳ10MG', yjCode: '3969019F2023', unit: '錠', unitCode: '16', price: 250.7 },
  rosuvastatin: { kind: 'y', code: '622537301', name: 'ロスバスタチン錠２．５ｍｇ「杏林」', kana: 'ﾛｽﾊﾞｽﾀﾁﾝｼﾞｮｳ2.5MGｷｮｳ', yjCode: '2189017F1014', unit: '錠', unitCode: '16', price: 10.1 },
  atorvastatin: { kind: 'y', code: '622098501', name: 'アトルバスタチン錠１０ｍｇ「サワイ」', kana: 'ｱﾄﾙﾊﾞｽﾀﾁﾝｼﾞｮｳ10MGｻﾜｲ', yjCode: '2189015F2054', unit: '錠', unitCode: '16', price: 15.8 },
  zetia: { kind: 'y', code: '620004868', name: 'ゼチーア錠１０ｍｇ', kana: 'ｾﾞﾁｰｱｼﾞｮｳ10MG', yjCode: '2189018F1027', unit: '錠', unitCode: '16', price: 75.3 },
  febuxostat: { kind: 'y', code: '622057301', name: 'フェブリク錠２０ｍｇ', kana: 'ﾌｪﾌﾞﾘｸｼﾞｮｳ20MG', yjCode: '3949003F2020', unit: '錠', unitCode: '16', price: 29.8 },
  relvar: { kind: 'y', code: '622375501', name: 'レルベア１００エリプタ３０吸入用', kana: 'ﾚﾙﾍﾞｱ100ｴﾘﾌﾟﾀ30ｷｭｳﾆｭ', yjCode: '2290803G3020', unit: 'キット', unitCode: '51', price: 4857.8 },
  symbicort: { kind: 'y', code: '621950801', name: 'シムビコートタービュヘイラー６０吸入', kana: 'ｼﾑﾋﾞｺｰﾄﾀｰﾋﾞｭﾍｲﾗｰ60ｷｭ', yjCode: '2290801G2025', unit: 'キット', unitCode: '51', price: 2859.6 },
  montelukast: { kind: 'y', code: '620006934', name: 'シングレア錠１０ｍｇ', kana: 'ｼﾝｸﾞﾚｱｼﾞｮｳ10MG', yjCode: '4490026F2059', unit: '錠', unitCode: '16', price: 70.8 },
  ultibro: { kind: 'y', code: '622287701', name: 'ウルティブロ吸入用カプセル', kana: 'ｳﾙﾃｨﾌﾞﾛｷｭｳﾆｭｳﾖｳｶﾌﾟｾﾙ', yjCode: '2259805G1027', unit: 'カプセル', unitCode: '15', price: 178.2 },
  spiriva: { kind: 'y', code: '621984201', name: 'スピリーバ２．５μｇレスピマット６０吸入　１５０μｇ', kana: 'ｽﾋﾟﾘｰﾊﾞ2.5ﾏｲｸﾛGﾚｽﾋﾟﾏ', yjCode: '2259709G2023', unit: 'キット', unitCode: '51', price: 3320.4 },
  trelegy: { kind: 'y', code: '622678901', name: 'テリルジー１００エリプタ３０吸入用', kana: 'ﾃﾘﾙｼﾞｰ100ｴﾘﾌﾟﾀ30ｷｭｳﾆ', yjCode: '2290804G2029', unit: 'キット', unitCode: '51', price: 8805.1 },
  vonoprazan: { kind: 'y', code: '622404501', name: 'タケキャブ錠２０ｍｇ', kana: 'ﾀｹｷｬﾌﾞｼﾞｮｳ20MG', yjCode: '2329030F2027', unit: '錠', unitCode: '16', price: 144.8 },
  lansoprazole: { kind: 'y', code: '620009451', name: 'ランソプラゾールＯＤ錠１５ｍｇ「トーワ」', kana: 'ﾗﾝｿﾌﾟﾗｿﾞｰﾙODｼﾞｮｳ15MG', yjCode: '2329023F1012', unit: '錠', unitCode: '16', price: 12.4 },
  rebamipide: { kind: 'y', code: '620009460', name: 'レバミピド錠１００ｍｇ「あすか」', kana: 'ﾚﾊﾞﾐﾋﾟﾄﾞｼﾞｮｳ100MGｱｽｶ', yjCode: '2329021F1013', unit: '錠', unitCode: '16', price: 10.1 },
  famotidine: { kind: 'y', code: '620003601', name: 'ファモチジン錠２０ｍｇ「ＴＣＫ」', kana: 'ﾌｧﾓﾁｼﾞﾝｼﾞｮｳ20MGTCK', yjCode: '2325003F2012', unit: '錠', unitCode: '16', price: 10.1 },
  magnesiumOxide: { kind: 'y', code: '620003954', name: '酸化マグネシウム錠３３０ｍｇ「ＴＸ」', kana: 'ｻﾝｶﾏｸﾞﾈｼｳﾑｼﾞｮｳ330MGT', yjCode: '2344009F2015', unit: '錠', unitCode: '16', price: 5.7 },
  alendronate: { kind: 'y', code: '622091401', name: 'アレンドロン酸錠３５ｍｇ「アメル」', kana: 'ｱﾚﾝﾄﾞﾛﾝｻﾝｼﾞｮｳ35MGｱﾒﾙ', yjCode: '3999018F2010', unit: '錠', unitCode: '16', price: 107.1 },
  eldecalcitol: { kind: 'y', code: '622788101', name: 'エルデカルシトールカプセル０．７５μｇ「日医工」', kana: 'ｴﾙﾃﾞｶﾙｼﾄｰﾙｶﾌﾟｾﾙ0.75ﾏ', yjCode: '3112006M2045', unit: 'カプセル', unitCode: '15', price: 19.9 },
  furosemide: { kind: 'y', code: '620000167', name: 'ラシックス錠２０ｍｇ', kana: 'ﾗｼｯｸｽｼﾞｮｳ20MG', yjCode: '2139005F1052', unit: '錠', unitCode: '16', price: 9.8 },
  bisoprolol: { kind: 'y', code: '621399401', name: 'ビソプロロールフマル酸塩錠２．５ｍｇ「トーワ」', kana: 'ﾋﾞｿﾌﾟﾛﾛｰﾙﾌﾏﾙｻﾝｴﾝｼﾞｮｳ', yjCode: '2123016F1018', unit: '錠', unitCode: '16', price: 10.1 },
  carvedilol: { kind: 'y', code: '610462040', name: 'アーチスト錠２．５ｍｇ', kana: 'ｱｰﾁｽﾄｼﾞｮｳ2.5MG', yjCode: '2149032F4020', unit: '錠', unitCode: '16', price: 12.9 },
  apixaban: { kind: 'y', code: '622225001', name: 'エリキュース錠５ｍｇ', kana: 'ｴﾘｷｭｰｽｼﾞｮｳ5MG', yjCode: '3339004F2025', unit: '錠', unitCode: '16', price: 212.3 },
  edoxaban: { kind: 'y', code: '622081001', name: 'リクシアナ錠３０ｍｇ', kana: 'ﾘｸｼｱﾅｼﾞｮｳ30MG', yjCode: '3339002F2026', unit: '錠', unitCode: '16', price: 411.3 },
  clopidogrel: { kind: 'y', code: '622405901', name: 'クロピドグレル錠７５ｍｇ「杏林」', kana: 'ｸﾛﾋﾟﾄﾞｸﾞﾚﾙｼﾞｮｳ75MGｷｮ', yjCode: '3399008F2013', unit: '錠', unitCode: '16', price: 21.4 },
  aspirin: { kind: 'y', code: '610443053', name: 'バイアスピリン錠１００ｍｇ', kana: 'ﾊﾞｲｱｽﾋﾟﾘﾝｼﾞｮｳ100MG', yjCode: '3399007H1013', unit: '錠', unitCode: '16', price: 5.7 },
  acetaminophen: { kind: 'y', code: '620002023', name: 'カロナール錠２００　２００ｍｇ', kana: 'ｶﾛﾅｰﾙｼﾞｮｳ200', yjCode: '1141007F1063', unit: '錠', unitCode: '16', price: 6.7 },
  carbocisteine: { kind: 'y', code: '621752101', name: 'カルボシステイン錠５００ｍｇ「トーワ」', kana: 'ｶﾙﾎﾞｼｽﾃｲﾝｼﾞｮｳ500MGﾄｰ', yjCode: '2233002F2111', unit: '錠', unitCode: '16', price: 9.3 },
  amoxicillin: { kind: 'y', code: '620008584', name: 'アモキシシリンカプセル２５０ｍｇ「日医工」', kana: 'ｱﾓｷｼｼﾘﾝｶﾌﾟｾﾙ250MGﾆﾁｲ', yjCode: '6131001M2327', unit: 'カプセル', unitCode: '15', price: 10.1 },
  cefcapene: { kind: 'y', code: '621947601', name: 'セフカペンピボキシル塩酸塩錠１００ｍｇ「トーワ」', kana: 'ｾﾌｶﾍﾟﾝﾋﾟﾎﾞｷｼﾙｴﾝｻﾝｴﾝｼ', yjCode: '6132016F2011', unit: '錠', unitCode: '16', price: 27.4 },
  clarithromycin: { kind: 'y', code: '620003928', name: 'クラリスロマイシン錠２００ｍｇ「ＥＭＥＣ」', kana: 'ｸﾗﾘｽﾛﾏｲｼﾝｼﾞｮｳ200MGEM', yjCode: '6149003F2011', unit: '錠', unitCode: '16', price: 19.2 },
  epinastine: { kind: 'y', code: '621485003', name: 'エピナスチン塩酸塩錠１０ｍｇ「ＳＮ」', kana: 'ｴﾋﾟﾅｽﾁﾝｴﾝｻﾝｴﾝｼﾞｮｳ10M', yjCode: '4490014F1017', unit: '錠', unitCode: '16', price: 11.4 },
  biofermin: { kind: 'y', code: '620000094', name: 'ビオフェルミン錠剤', kana: 'ﾋﾞｵﾌｪﾙﾐﾝｼﾞｮｳｻﾞｲ', yjCode: '2316020F1029', unit: '錠', unitCode: '16', price: 5.7 },
  domperidone: { kind: 'y', code: '612390023', name: 'ナウゼリン錠１０　１０ｍｇ', kana: 'ﾅｳｾﾞﾘﾝｼﾞｮｳ10', yjCode: '2399005F2023', unit: '錠', unitCode: '16', price: 9.6 },
  loxoprofen: { kind: 'y', code: '620098902', name: 'ロキソプロフェンＮａ錠６０ｍｇ「ＹＤ」', kana: 'ﾛｷｿﾌﾟﾛﾌｪﾝNAｼﾞｮｳ60MGY', yjCode: '1149019F1013', unit: '錠', unitCode: '16', price: 9.8 },
  loxoninTape: { kind: 'y', code: '620007812', name: 'ロキソニンテープ５０ｍｇ　７ｃｍ×１０ｃｍ', kana: 'ﾛｷｿﾆﾝﾃｰﾌﾟ50MG', yjCode: '2649735S2024', unit: '枚', unitCode: '6', price: 12.9 },
  celecoxib: { kind: 'y', code: '620004857', name: 'セレコックス錠１００ｍｇ', kana: 'ｾﾚｺｯｸｽｼﾞｮｳ100MG', yjCode: '1149037F1020', unit: '錠', unitCode: '16', price: 23.8 },
  hyaluronateJoint: { kind: 'y', code: '620894804', name: 'ヒアルロン酸Ｎａ関節注２５ｍｇ「日新」　１％２．５ｍＬ', kana: 'ﾋｱﾙﾛﾝｻﾝNAｶﾝｾﾂﾁｭｳ25MG', yjCode: '3999408A1309', unit: '管', unitCode: '22', price: 258 },
  lidocaineInjection: { kind: 'y', code: '620007263', name: 'キシロカイン注ポリアンプ１％　１０ｍＬ', kana: 'ｷｼﾛｶｲﾝﾁｭｳﾎﾟﾘｱﾝﾌﾟ1%', yjCode: '1214400A8051', unit: '管', unitCode: '22', price: 79 },
  latanoprost: { kind: 'y', code: '621972901', name: 'ラタノプロスト点眼液０．００５％「キッセイ」', kana: 'ﾗﾀﾉﾌﾟﾛｽﾄﾃﾝｶﾞﾝｴｷ0.005', yjCode: '1319739Q1010', unit: 'ｍＬ', unitCode: '36', price: 170.4 },
  timolol: { kind: 'y', code: '620006452', name: 'チモロール点眼液０．５％「テイカ」', kana: 'ﾁﾓﾛｰﾙﾃﾝｶﾞﾝｴｷ0.5%ﾃｲｶ', yjCode: '1319702Q2014', unit: 'ｍＬ', unitCode: '36', price: 56.8 },
  hyaluronateEyeDrops: { kind: 'y', code: '621229401', name: 'ヒアルロン酸Ｎａ点眼液０．１％「科研」　５ｍＬ', kana: 'ﾋｱﾙﾛﾝｻﾝNAﾃﾝｶﾞﾝｴｷ0.1%', yjCode: '1319720Q3221', unit: '瓶', unitCode: '19', price: 188.8 },
  olopatadineEyeDrops: { kind: 'y', code: '620004365', name: 'パタノール点眼液０．１％', kana: 'ﾊﾟﾀﾉｰﾙﾃﾝｶﾞﾝｴｷ0.1%', yjCode: '1319752Q1024', unit: 'ｍＬ', unitCode: '36', price: 96.4 },
  lidocaineEyeDrops: { kind: 'y', code: '620003853', name: 'キシロカイン点眼液４％', kana: 'ｷｼﾛｶｲﾝﾃﾝｶﾞﾝｴｷ4%', yjCode: '1214700Q1041', unit: 'ｍＬ', unitCode: '36', price: 17 },
  mydrinP: { kind: 'y', code: '620003872', name: 'ミドリンＰ点眼液', kana: 'ﾐﾄﾞﾘﾝPﾃﾝｶﾞﾝｴｷ', yjCode: '1319810Q1053', unit: 'ｍＬ', unitCode: '36', price: 27.6 },
  oxiglutatione: { kind: 'y', code: '621457801', name: 'オキシグルタチオン眼灌流液０．０１８４％「センジュ」　５００ｍＬ', kana: 'ｵｷｼｸﾞﾙﾀﾁｵﾝｶﾞﾝｶﾝﾘｭｳｴｷ', yjCode: '1319731Q4048', unit: 'キット', unitCode: '51', price: 3531.6 },
  viscoat: { kind: 'y', code: '620007739', name: 'ビスコート０．５眼粘弾剤　０．５ｍＬ', kana: 'ﾋﾞｽｺｰﾄ0.5ｶﾞﾝﾈﾝﾀﾞﾝｻﾞｲ', yjCode: '1319816Q1034', unit: '筒', unitCode: '47', price: 3716.6 },
  benoxil: { kind: 'y', code: '620000402', name: 'ベノキシール点眼液０．４％', kana: 'ﾍﾞﾉｷｼｰﾙﾃﾝｶﾞﾝｴｷ0.4%', yjCode: '1313700Q2070', unit: 'ｍＬ', unitCode: '36', price: 25.1 },
  levofloxacinEyeDrops: { kind: 'y', code: '622061301', name: 'クラビット点眼液１．５％', kana: 'ｸﾗﾋﾞｯﾄﾃﾝｶﾞﾝｴｷ1.5%', yjCode: '1319742Q2027', unit: 'ｍＬ', unitCode: '36', price: 54.7 },
  nepafenac: { kind: 'y', code: '622038501', name: 'ネバナック懸濁性点眼液０．１％', kana: 'ﾈﾊﾞﾅｯｸｹﾝﾀﾞｸｾｲﾃﾝｶﾞﾝｴｷ', yjCode: '1319759Q1026', unit: 'ｍＬ', unitCode: '36', price: 130.2 },
  fluorometholone: { kind: 'y', code: '620007764', name: 'フルメトロン点眼液０．１％', kana: 'ﾌﾙﾒﾄﾛﾝﾃﾝｶﾞﾝｴｷ0.1%', yjCode: '1315704Q3126', unit: 'ｍＬ', unitCode: '36', price: 30.9 },
  propofol: { kind: 'y', code: '620008541', name: 'プロポフォール１％静注２０ｍＬ「日医工」　２００ｍｇ', kana: 'ﾌﾟﾛﾎﾟﾌｫｰﾙ1%ｼﾞｮｳﾁｭｳ20', yjCode: '1119402A1073', unit: '管', unitCode: '22', price: 594 },
  fentanyl: { kind: 'y', code: '621208101', name: 'フェンタニル注射液０．１ｍｇ「第一三共」　０．００５％２ｍＬ', kana: 'ﾌｪﾝﾀﾆﾙﾁｭｳｼｬｴｷ0.1MGﾀﾞ', yjCode: '8219400A1063', unit: '管', unitCode: '22', price: 253 },
  rocuronium: { kind: 'y', code: '620005830', name: 'エスラックス静注５０ｍｇ／５．０ｍＬ　５ｍＬ', kana: 'ｴｽﾗｯｸｽｼﾞｮｳﾁｭｳ50MG/5.', yjCode: '1229405A2024', unit: '瓶', unitCode: '19', price: 513 },
  sevoflurane: { kind: 'y', code: '620032201', name: 'セボフレン吸入麻酔液', kana: 'ｾﾎﾞﾌﾚﾝｷｭｳﾆｭｳﾏｽｲｴｷ', yjCode: '1119702G1062', unit: 'ｍＬ', unitCode: '36', price: 27.2 },
  sugammadex: { kind: 'y', code: '621981901', name: 'ブリディオン静注２００ｍｇ　２ｍＬ', kana: 'ﾌﾞﾘﾃﾞｨｵﾝｼﾞｮｳﾁｭｳ200MG', yjCode: '3929409A1023', unit: '瓶', unitCode: '19', price: 9000 },
  cefazolin: { kind: 'y', code: '621096601', name: 'セファゾリンＮａ注射用１ｇ「ＮＰ」', kana: 'ｾﾌｧｿﾞﾘﾝNAﾁｭｳｼｬﾖｳ1GNP', yjCode: '6132401D3200', unit: '瓶', unitCode: '19', price: 346 },
  lactatedRinger: { kind: 'y', code: '643310347', name: 'ラクテック注　５００ｍＬ', kana: 'ﾗｸﾃｯｸﾁｭｳ', yjCode: '3319534A4046', unit: '袋', unitCode: '20', price: 231 },
  soldem3a: { kind: 'y', code: '620007344', name: 'ソルデム３Ａ輸液　５００ｍＬ', kana: 'ｿﾙﾃﾞﾑ3Aﾕｴｷ', yjCode: '3319510A4083', unit: '袋', unitCode: '20', price: 176 },
  acetaminophenIv: { kind: 'y', code: '622525501', name: 'アセリオ静注液１０００ｍｇバッグ　１，０００ｍｇ１００ｍＬ', kana: 'ｱｾﾘｵｼﾞｮｳﾁｭｳｴｷ1000MGﾊ', yjCode: '1141400A2020', unit: '袋', unitCode: '20', price: 304 },
  famotidineIv: { kind: 'y', code: '621697702', name: 'ファモチジン静注２０ｍｇ「杏林」　２０ｍＬ', kana: 'ﾌｧﾓﾁｼﾞﾝｼﾞｮｳﾁｭｳ20MGｷｮ', yjCode: '2325401A3015', unit: '管', unitCode: '22', price: 97 },
  furosemideIv: { kind: 'y', code: '620000339', name: 'ラシックス注２０ｍｇ', kana: 'ﾗｼｯｸｽﾁｭｳ20MG', yjCode: '2139401A2137', unit: '管', unitCode: '22', price: 62 },
  ceftriaxone: { kind: 'y', code: '621488601', name: 'セフトリアキソンＮａ静注用１ｇ「サワイ」', kana: 'ｾﾌﾄﾘｱｷｿﾝNAｼﾞｮｳﾁｭｳﾖｳ1', yjCode: '6132419F2131', unit: '瓶', unitCode: '19', price: 422 },
  saline100: { kind: 'y', code: '620007245', name: '大塚生食注２ポート１００ｍＬ', kana: 'ｵｵﾂｶｾｲｼｮｸﾁｭｳ2ﾎﾟｰﾄ100', yjCode: '3311402G9036', unit: 'キット', unitCode: '51', price: 212 },
  edaravone: { kind: 'y', code: '622043601', name: 'エダラボン点滴静注３０ｍｇバッグ「アイロム」　１００ｍＬ', kana: 'ｴﾀﾞﾗﾎﾞﾝﾃﾝﾃｷｼﾞｮｳﾁｭｳ30', yjCode: '1190401G1042', unit: 'キット', unitCode: '51', price: 1468 },
  bupivacaineSpinal: { kind: 'y', code: '640443005', name: 'マーカイン注脊麻用０．５％高比重　４ｍＬ', kana: 'ﾏｰｶｲﾝﾁｭｳｾｷﾏﾖｳ0.5%ｺｳﾋ', yjCode: '1214403A4025', unit: '管', unitCode: '22', price: 330 },
  oseltamivir: { kind: 'y', code: '622638801', name: 'オセルタミビルカプセル７５ｍｇ「サワイ」', kana: 'ｵｾﾙﾀﾐﾋﾞﾙｶﾌﾟｾﾙ75MGｻﾜｲ', yjCode: '6250021M1035', unit: 'カプセル', unitCode: '15', price: 111.6 },
  lemborexant: { kind: 'y', code: '622703201', name: 'デエビゴ錠５ｍｇ', kana: 'ﾃﾞｴﾋﾞｺﾞｼﾞｮｳ5MG', yjCode: '1190027F2029', unit: '錠', unitCode: '16', price: 82.7 },
  // t
  urinaryCatheter: { kind: 't', code: '710010159', name: '膀胱留置用ディスポーザブルカテーテル（２管一般（２）・標準型）', price: 561 },
  drainTube: { kind: 't', code: '710010157', name: '吸引留置カテーテル（受動吸引型・チューブドレーン・チューブ型）', price: 897 },
  endotrachealTube: { kind: 't', code: '710010149', name: '気管内チューブ（カフあり・カフ上部吸引機能なし）', price: 569 },
  boneScrew: { kind: 't', code: '710010122', name: '固定用内副子（スクリュー）（その他・標準・小型）', price: 2930 },
  bonePlate: { kind: 't', code: '710010123', name: '固定用内副子（プレート）（その他・標準・ストレート型・異形型）', price: 11700 },
  femoralStem: { kind: 't', code: '738410000', name: '人工股関節用材（大腿骨側材・大腿骨ステム（間）・標準型）', price: 129000 },
  bipolarCup: { kind: 't', code: '710010733', name: '人工股関節用材（大腿骨側材・骨頭用・バイポーラカップ（２））', price: 150000 },
} satisfies Record<string, VocabularyEntry>;

/** The whole vocabulary as a list: the demo master. */
export const demoVocabulary: VocabularyEntry[] = Object.values(vocab);

/**
 * 用法: the 3-digit 用法コード a 調剤 SH record carries (別表, 900 = 未コード化用法,
 * the text then goes to 特別指示) and the text a 医科 CO line carries before the drugs.
 */
export interface Usage {
  code: string;
  text: string;
  /** 特別指示 of the 調剤 SH record. */
  instruction: string;
}

export const usages = {
  afterEachMeal: { code: '003', text: '１日３回毎食後', instruction: '' },
  afterBreakfast: { code: '006', text: '１日１回朝食後', instruction: '' },
  afterBreakfastAndDinner: { code: '018', text: '１日２回朝夕食後', instruction: '' },
  beforeSleep: { code: '013', text: '１日１回就寝前', instruction: '' },
  weeklyOnWaking: { code: '048', text: '週１回起床時', instruction: '週１回' },
  whenFeverish: { code: '900', text: '発熱時', instruction: '発熱時' },
  inhaleOnce: { code: '900', text: '１日１回１吸入', instruction: '１日１回１吸入' },
  inhaleTwice: { code: '900', text: '１日２回１回２吸入', instruction: '１日２回１回２吸入' },
  eyeDropsOnce: { code: '900', text: '１日１回両眼に点眼', instruction: '１日１回両眼に点眼' },
  eyeDropsTwice: { code: '900', text: '１日２回両眼に点眼', instruction: '１日２回両眼に点眼' },
  eyeDropsFourTimes: { code: '900', text: '１日４回両眼に点眼', instruction: '１日４回両眼に点眼' },
  poultice: { code: '900', text: '１日１回患部に貼付', instruction: '１日１回患部に貼付' },
} satisfies Record<string, Usage>;
