/**
 * The catalog the seed loads: real Bangladesh Railway intercity trains on their real corridors with their
 * usual stops. Distances (km from Dhaka along the line) and running times are close to the published
 * timetables, rounded. Ids are fixed here so seat and coach ids are the same in every environment.
 *
 * The first five trains have exactly 5 coaches x 55 seats (the brief's 1,375 seats a day); load tests rely
 * on that. Later trains are longer rakes.
 */
import type { SeatClass } from '@rail/contracts/common';
import type { FareRule } from '../domain/fares.js';
import type { Direction } from '../domain/stops.js';

export interface SeedStation {
  id: number;
  code: string;
  name: string;
  aliases?: string[];
}

/** [station code, km from the route's first stop, arrival offset, departure offset] (minutes). */
export type SeedStop = [string, number, number | null, number | null];

export interface SeedRoute {
  id: number;
  code: string;
  name: string;
  stops: SeedStop[];
}

export interface SeedTrain {
  id: number;
  number: string;
  name: string;
  route: string;
  direction: Direction;
  departure: string;
  coaches: readonly (readonly [string, SeatClass])[];
}

export const stations: SeedStation[] = [
  { id: 1, code: 'DHK', name: 'Dhaka', aliases: ['Kamalapur', 'Dhaka Kamalapur'] },
  { id: 2, code: 'APT', name: 'Biman Bandar', aliases: ['Airport', 'Dhaka Airport', 'Biman Bandar Railway Station'] },
  { id: 3, code: 'JDP', name: 'Joydebpur', aliases: ['Gazipur'] },
  { id: 4, code: 'NSD', name: 'Narsingdi' },
  { id: 5, code: 'BHB', name: 'Bhairab Bazar', aliases: ['Bhairab'] },
  { id: 6, code: 'BBR', name: 'Brahmanbaria' },
  { id: 7, code: 'AKH', name: 'Akhaura' },
  { id: 8, code: 'CML', name: 'Cumilla', aliases: ['Comilla'] },
  { id: 9, code: 'LKM', name: 'Laksam' },
  { id: 10, code: 'FNI', name: 'Feni' },
  { id: 11, code: 'CTG', name: 'Chattogram', aliases: ['Chittagong'] },
  { id: 12, code: 'DHZ', name: 'Dohazari' },
  { id: 13, code: 'CXB', name: "Cox's Bazar", aliases: ['Coxs Bazar', 'Cox Bazar', 'Coxsbazar'] },
  { id: 14, code: 'SSG', name: 'Shaistaganj' },
  { id: 15, code: 'SMG', name: 'Srimangal', aliases: ['Sreemangal'] },
  { id: 16, code: 'SMN', name: 'Shamshernagar' },
  { id: 17, code: 'KLR', name: 'Kulaura' },
  { id: 18, code: 'SYL', name: 'Sylhet' },
  { id: 19, code: 'TGL', name: 'Tangail' },
  { id: 20, code: 'BSW', name: 'Bangabandhu Setu West', aliases: ['Jamuna Bridge West'] },
  { id: 21, code: 'ULP', name: 'Ullapara' },
  { id: 22, code: 'CMH', name: 'Chatmohar' },
  { id: 23, code: 'ABP', name: 'Abdulpur' },
  { id: 24, code: 'RJH', name: 'Rajshahi' },
  { id: 25, code: 'ISD', name: 'Ishwardi' },
  { id: 26, code: 'BRM', name: 'Bheramara' },
  { id: 27, code: 'PRD', name: 'Poradaha' },
  { id: 28, code: 'CDG', name: 'Chuadanga' },
  { id: 29, code: 'DSN', name: 'Darshana' },
  { id: 30, code: 'KCP', name: 'Kotchandpur' },
  { id: 31, code: 'MBG', name: 'Mobarakganj' },
  { id: 32, code: 'JSR', name: 'Jashore', aliases: ['Jessore'] },
  { id: 33, code: 'NPR', name: 'Noapara' },
  { id: 34, code: 'KLN', name: 'Khulna' },
];

export const routes: SeedRoute[] = [
  {
    id: 1,
    code: 'DHK-CTG-NONSTOP',
    name: 'Dhaka – Chattogram (non-stop via Biman Bandar)',
    stops: [
      ['DHK', 0, null, 0],
      ['APT', 19, 25, 28],
      ['CTG', 321, 315, null],
    ],
  },
  {
    id: 2,
    code: 'DHK-CTG',
    name: 'Dhaka – Chattogram (via Bhairab Bazar, Akhaura, Cumilla, Feni)',
    stops: [
      ['DHK', 0, null, 0],
      ['APT', 19, 25, 28],
      ['NSD', 56, 68, 70],
      ['BHB', 80, 97, 100],
      ['BBR', 112, 135, 138],
      ['AKH', 128, 158, 162],
      ['CML', 179, 218, 221],
      ['LKM', 199, 242, 245],
      ['FNI', 234, 282, 285],
      ['CTG', 321, 390, null],
    ],
  },
  {
    id: 3,
    code: 'DHK-SYL',
    name: 'Dhaka – Sylhet (via Bhairab Bazar, Srimangal)',
    stops: [
      ['DHK', 0, null, 0],
      ['APT', 19, 25, 28],
      ['NSD', 56, 68, 70],
      ['BHB', 80, 97, 100],
      ['BBR', 112, 135, 138],
      ['SSG', 182, 225, 228],
      ['SMG', 211, 262, 265],
      ['SMN', 229, 287, 289],
      ['KLR', 251, 315, 318],
      ['SYL', 319, 400, null],
    ],
  },
  {
    id: 4,
    code: 'DHK-RJH',
    name: 'Dhaka – Rajshahi (via Bangabandhu Setu)',
    stops: [
      ['DHK', 0, null, 0],
      ['APT', 19, 25, 28],
      ['JDP', 32, 45, 48],
      ['TGL', 98, 118, 121],
      ['BSW', 124, 150, 153],
      ['ULP', 146, 175, 177],
      ['CMH', 173, 205, 207],
      ['ABP', 221, 258, 261],
      ['RJH', 256, 300, null],
    ],
  },
  {
    id: 5,
    code: 'DHK-KLN',
    name: 'Dhaka – Khulna (via Bangabandhu Setu, Ishwardi, Jashore)',
    stops: [
      ['DHK', 0, null, 0],
      ['APT', 19, 25, 28],
      ['JDP', 32, 45, 48],
      ['TGL', 98, 118, 121],
      ['BSW', 124, 150, 153],
      ['ULP', 146, 175, 177],
      ['CMH', 173, 205, 207],
      ['ISD', 207, 245, 250],
      ['BRM', 222, 265, 267],
      ['PRD', 238, 285, 287],
      ['CDG', 275, 325, 328],
      ['DSN', 291, 345, 347],
      ['KCP', 311, 368, 370],
      ['MBG', 320, 380, 382],
      ['JSR', 345, 410, 414],
      ['NPR', 368, 440, 442],
      ['KLN', 392, 475, null],
    ],
  },
  {
    id: 6,
    code: 'DHK-CXB',
    name: "Dhaka – Cox's Bazar (via Chattogram, Dohazari)",
    stops: [
      ['DHK', 0, null, 0],
      ['APT', 19, 25, 28],
      ['CTG', 321, 320, 340],
      ['DHZ', 368, 395, 397],
      ['CXB', 468, 520, null],
    ],
  },
];

/** The brief's rake: 5 coaches x 55 seats. */
const STANDARD = [
  ['KA', 'S_CHAIR'],
  ['KHA', 'S_CHAIR'],
  ['GA', 'S_CHAIR'],
  ['GHA', 'SNIGDHA'],
  ['UMA', 'AC_S'],
] as const;
/** A longer rake with Shovan coaches. */
const LONG = [...STANDARD, ['CHA', 'SHOVAN'], ['CHHA', 'SHOVAN']] as const;

export const SEATS_PER_COACH = 55;

export const trains: SeedTrain[] = [
  // The first five: exactly 5 x 55 seats each.
  {
    id: 1,
    number: '702',
    name: 'Subarna Express',
    route: 'DHK-CTG-NONSTOP',
    direction: 'DOWN',
    departure: '16:30',
    coaches: STANDARD,
  },
  { id: 2, number: '704', name: 'Mohanagar Provati', route: 'DHK-CTG', direction: 'DOWN', departure: '07:45', coaches: STANDARD },
  { id: 3, number: '710', name: 'Parabat Express', route: 'DHK-SYL', direction: 'DOWN', departure: '06:20', coaches: STANDARD },
  { id: 4, number: '753', name: 'Silk City Express', route: 'DHK-RJH', direction: 'DOWN', departure: '14:45', coaches: STANDARD },
  { id: 5, number: '763', name: 'Chitra Express', route: 'DHK-KLN', direction: 'DOWN', departure: '19:00', coaches: STANDARD },
  // More of the timetable, both directions.
  { id: 6, number: '814', name: "Cox's Bazar Express", route: 'DHK-CXB', direction: 'DOWN', departure: '22:30', coaches: LONG },
  { id: 7, number: '701', name: 'Subarna Express', route: 'DHK-CTG-NONSTOP', direction: 'UP', departure: '07:00', coaches: LONG },
  {
    id: 8,
    number: '788',
    name: 'Sonar Bangla Express',
    route: 'DHK-CTG-NONSTOP',
    direction: 'DOWN',
    departure: '07:00',
    coaches: LONG,
  },
  {
    id: 9,
    number: '787',
    name: 'Sonar Bangla Express',
    route: 'DHK-CTG-NONSTOP',
    direction: 'UP',
    departure: '17:00',
    coaches: LONG,
  },
  { id: 10, number: '703', name: 'Mohanagar Godhuli', route: 'DHK-CTG', direction: 'UP', departure: '15:00', coaches: LONG },
  { id: 11, number: '709', name: 'Parabat Express', route: 'DHK-SYL', direction: 'UP', departure: '15:45', coaches: LONG },
  { id: 12, number: '717', name: 'Jayantika Express', route: 'DHK-SYL', direction: 'DOWN', departure: '11:15', coaches: LONG },
  { id: 13, number: '759', name: 'Padma Express', route: 'DHK-RJH', direction: 'DOWN', departure: '23:00', coaches: LONG },
  { id: 14, number: '754', name: 'Silk City Express', route: 'DHK-RJH', direction: 'UP', departure: '07:40', coaches: LONG },
  { id: 15, number: '725', name: 'Sundarban Express', route: 'DHK-KLN', direction: 'DOWN', departure: '08:15', coaches: LONG },
  { id: 16, number: '764', name: 'Chitra Express', route: 'DHK-KLN', direction: 'UP', departure: '08:30', coaches: LONG },
  { id: 17, number: '816', name: 'Parjotak Express', route: 'DHK-CXB', direction: 'DOWN', departure: '06:15', coaches: LONG },
  { id: 18, number: '813', name: "Cox's Bazar Express", route: 'DHK-CXB', direction: 'UP', departure: '12:30', coaches: LONG },
];

/** Close to Bangladesh Railway's published fares (e.g. Dhaka–Chattogram, 321 km: S_CHAIR 407, AC_S 935). */
export const fares: FareRule[] = [
  { class: 'SHOVAN', basePaisa: 1000, perKmPaisa: 103, minimumTaka: 30 },
  { class: 'S_CHAIR', basePaisa: 1500, perKmPaisa: 122, minimumTaka: 35 },
  { class: 'SNIGDHA', basePaisa: 2500, perKmPaisa: 235, minimumTaka: 65 },
  { class: 'AC_S', basePaisa: 3000, perKmPaisa: 282, minimumTaka: 80 },
];
