/**
 * Deterministic random strings built from the pieces the recognisers key on: capitalised and
 * lower-case words (names, street types, context words), digit groups, separators, "@", ":",
 * apostrophes, non-ASCII letters. Used by snapshot.ts to compare engine versions on inputs the
 * dev set does not have.
 */
const PIECES = [
  'Anna', 'anna', 'Kowalski', 'Smith', 'Mr.', 'Dr', 'Street', 'street', 'St', 'Ave', 'Road', 'rue', 'Via', 'Hauptstraße', 'Kungsgatan',
  'Apt', 'Suite', 'box', 'PO Box', 'zip', 'ZIP', 'postcode', 'call', 'phone', 'my name is', 'I am', "I'm", 'aged', 'years old', 'born in',
  'London', 'Paris', 'New York', 'Texas', 'TX', 'CA', 'Inc', 'Ltd', 'University of', 'Bank', 'work for', 'lives in', 'on', 'at', 'the',
  'March', 'Monday', 'next week', 'yesterday', 'in', 'since', 'card', 'ssn', 'SSN', 'license', 'password', 'token', 'api_key', 'Bearer',
  'sk-', 'ghp_', 'AKIA', 'eyJ', 'www.', 'https://', '.com', 'example', 'mail', 'Thanks', 'Regards', 'engineer', 'Senior', 'French', 'Zoë', 'O’Neil',
  "'s", 'co-founder', 'İstanbul', 'Ärzte', '中文', '😀',
  '0', '1', '7', '12', '19', '2024', '1998', '555', '010', '4477', '0958', '4111', '1111', '123', '45', '6789', '90s', '7am', '9.45pm', '14:30',
  '+44', '0044', '(555)', 'GB29', 'NWBK', '6016', '1331', '9268', '19', '192.168', '.1', '::1', 'fe80', 'SW1A', '1AA', 'K1A', '0B1',
  'address', 'my address is', 'ship to', 'moved to', 'located at', 'api-key', 'access_key', 'AccessKey', 'client secret', 'pwd', 'PIN',
  'the day after tomorrow', 'last summer', 'this Monday', 'back in', 'born', 'mid', 'the', 'a', 'é', 're-',
  'Engineer', 'Manager', 'Director', 'software engineer', 'CEO', 'Acme', 'Corp', 'GmbH', 'Main', 'Park', 'Lisbon',
  ' ', ' ', ' ', ' ', ', ', '. ', '\n', '\n\n', '\r\n', '-', '/', '.', ':', '@', '#', '(', ')', '"', "'", '\t', ' - ', '=', '> ', '* ', '? ', '• ',
];

export function randomTexts(count: number, seed = 12345): string[] {
  let state = seed;
  const next = () => {
    state = (Math.imul(state, 1103515245) + 12345) & 0x7fffffff;
    return state / 0x7fffffff;
  };
  const out: string[] = [];
  for (let k = 0; k < count; k++) {
    const n = 2 + Math.floor(next() * 30);
    let s = '';
    for (let i = 0; i < n; i++) s += PIECES[Math.floor(next() * PIECES.length)];
    out.push(s);
  }
  return out;
}
