/**
 * Korea's 17 first-level administrative divisions: the regions every site and wide-area cluster
 * is placed in. Populations (millions, 2020 census, rounded) weight the national fleet generator;
 * the centre is the seat of government, used to place generated sites plausibly on a map.
 * Nothing here imports anything, so the console's browser bundle takes it as it is.
 */
export interface RegionInfo {
  readonly code: string;
  /** Statistics Korea's two-digit code (KOSTAT/SGIS), which boundary files key provinces by. */
  readonly statisticsCode: string;
  readonly name: string;
  readonly nameKo: string;
  readonly populationMillions: number;
  readonly centre: { readonly lat: number; readonly lon: number };
}

export const REGIONS = [
  {
    code: 'seoul',
    statisticsCode: '11',
    name: 'Seoul',
    nameKo: '서울특별시',
    populationMillions: 9.59,
    centre: { lat: 37.5665, lon: 126.978 },
  },
  {
    code: 'busan',
    statisticsCode: '21',
    name: 'Busan',
    nameKo: '부산광역시',
    populationMillions: 3.35,
    centre: { lat: 35.1796, lon: 129.0756 },
  },
  {
    code: 'daegu',
    statisticsCode: '22',
    name: 'Daegu',
    nameKo: '대구광역시',
    populationMillions: 2.42,
    centre: { lat: 35.8714, lon: 128.6014 },
  },
  {
    code: 'incheon',
    statisticsCode: '23',
    name: 'Incheon',
    nameKo: '인천광역시',
    populationMillions: 2.94,
    centre: { lat: 37.4563, lon: 126.7052 },
  },
  {
    code: 'gwangju',
    statisticsCode: '24',
    name: 'Gwangju',
    nameKo: '광주광역시',
    populationMillions: 1.45,
    centre: { lat: 35.1595, lon: 126.8526 },
  },
  {
    code: 'daejeon',
    statisticsCode: '25',
    name: 'Daejeon',
    nameKo: '대전광역시',
    populationMillions: 1.46,
    centre: { lat: 36.3504, lon: 127.3845 },
  },
  {
    code: 'ulsan',
    statisticsCode: '26',
    name: 'Ulsan',
    nameKo: '울산광역시',
    populationMillions: 1.13,
    centre: { lat: 35.5384, lon: 129.3114 },
  },
  {
    code: 'sejong',
    statisticsCode: '29',
    name: 'Sejong',
    nameKo: '세종특별자치시',
    populationMillions: 0.36,
    centre: { lat: 36.48, lon: 127.289 },
  },
  {
    code: 'gyeonggi',
    statisticsCode: '31',
    name: 'Gyeonggi',
    nameKo: '경기도',
    populationMillions: 13.51,
    centre: { lat: 37.2752, lon: 127.0095 },
  },
  {
    code: 'gangwon',
    statisticsCode: '32',
    name: 'Gangwon',
    nameKo: '강원특별자치도',
    populationMillions: 1.54,
    centre: { lat: 37.8854, lon: 127.7298 },
  },
  {
    code: 'chungbuk',
    statisticsCode: '33',
    name: 'North Chungcheong',
    nameKo: '충청북도',
    populationMillions: 1.6,
    centre: { lat: 36.6357, lon: 127.4917 },
  },
  {
    code: 'chungnam',
    statisticsCode: '34',
    name: 'South Chungcheong',
    nameKo: '충청남도',
    populationMillions: 2.18,
    centre: { lat: 36.6588, lon: 126.6728 },
  },
  {
    code: 'jeonbuk',
    statisticsCode: '35',
    name: 'North Jeolla',
    nameKo: '전북특별자치도',
    populationMillions: 1.8,
    centre: { lat: 35.8203, lon: 127.1088 },
  },
  {
    code: 'jeonnam',
    statisticsCode: '36',
    name: 'South Jeolla',
    nameKo: '전라남도',
    populationMillions: 1.85,
    centre: { lat: 34.8161, lon: 126.4629 },
  },
  {
    code: 'gyeongbuk',
    statisticsCode: '37',
    name: 'North Gyeongsang',
    nameKo: '경상북도',
    populationMillions: 2.64,
    centre: { lat: 36.576, lon: 128.5056 },
  },
  {
    code: 'gyeongnam',
    statisticsCode: '38',
    name: 'South Gyeongsang',
    nameKo: '경상남도',
    populationMillions: 3.34,
    centre: { lat: 35.2383, lon: 128.6925 },
  },
  {
    code: 'jeju',
    statisticsCode: '39',
    name: 'Jeju',
    nameKo: '제주특별자치도',
    populationMillions: 0.67,
    centre: { lat: 33.4996, lon: 126.5312 },
  },
] as const satisfies readonly RegionInfo[];

export type Region = (typeof REGIONS)[number]['code'];

export const REGION_CODES = REGIONS.map((r) => r.code) as Region[];

/** Korea's extent, loosely: every site's coordinates must fall inside it. */
export const KOREA_BOUNDS = { minLat: 33.0, maxLat: 38.7, minLon: 124.5, maxLon: 131.9 } as const;

export function regionInfo(code: Region): RegionInfo {
  const info = REGIONS.find((r) => r.code === code);
  if (!info) {
    throw new Error(`unknown region ${code}`);
  }
  return info;
}
