import { describe, expect, it } from 'vitest';
import { createPiiEngine } from './engine.js';
import type { PiiEntityType } from './types.js';
import { ibanValid, luhnValid, ssnValid } from './validators.js';

const engine = createPiiEngine();

/** The values found for one type, in order. */
function found(text: string, type: PiiEntityType): string[] {
  return engine
    .detect(text)
    .filter((s) => s.type === type)
    .map((s) => text.slice(s.start, s.end));
}

describe('P31 PII detectors', () => {
  it('spans are sorted, in bounds and never overlap', () => {
    const text = 'Hi, I am Anna Kowalski, mail anna.k@example.org or call +44 20 7946 0958. Card 4111 1111 1111 1111, IBAN GB82 WEST 1234 5698 7654 32.';
    const spans = engine.detect(text);
    expect(spans.length).toBeGreaterThan(4);
    for (let i = 0; i < spans.length; i++) {
      const s = spans[i]!;
      expect(s.start).toBeGreaterThanOrEqual(0);
      expect(s.end).toBeLessThanOrEqual(text.length);
      expect(s.score).toBeGreaterThan(0);
      if (i > 0) expect(s.start).toBeGreaterThanOrEqual(spans[i - 1]!.end);
    }
  });

  it('EMAIL_ADDRESS: finds addresses, not a lone @ or a handle', () => {
    expect(found('write to jane.doe+news@mail.example.co.uk today', 'EMAIL_ADDRESS')).toEqual(['jane.doe+news@mail.example.co.uk']);
    expect(found('Contact: .bob@example.com.', 'EMAIL_ADDRESS')).toEqual(['bob@example.com']);
    expect(found('ping @jane on slack, meet @ 5', 'EMAIL_ADDRESS')).toEqual([]);
  });

  it('PHONE_NUMBER: international, North American and national shapes with context', () => {
    expect(found('call me on +1 (415) 555-2671 tonight', 'PHONE_NUMBER')).toEqual(['+1 (415) 555-2671']);
    expect(found('my number is 020 7946 0958', 'PHONE_NUMBER')).toEqual(['020 7946 0958']);
    expect(found('Fax: +49 30 901820', 'PHONE_NUMBER')).toEqual(['+49 30 901820']);
    expect(found('office 212-555-0199 ext. 42', 'PHONE_NUMBER')).toEqual(['212-555-0199 ext. 42']);
  });

  it('PHONE_NUMBER: national numbers with a long last group, context words of other languages', () => {
    expect(found('Ich heiße Lena, Tel. 0151 23456789', 'PHONE_NUMBER')).toEqual(['0151 23456789']);
    expect(found('I paid 0151 23456789 euros', 'PHONE_NUMBER')).toEqual([]);
    expect(found('我叫李明, 电话 138 0013 8000', 'PHONE_NUMBER')).toEqual(['138 0013 8000']);
  });

  it('PHONE_NUMBER: not years, prices, counts or dates', () => {
    expect(found('In 2019 we sold 1200 units for $450000', 'PHONE_NUMBER')).toEqual([]);
    expect(found('the meeting is on 2024-03-05 at 10:30', 'PHONE_NUMBER')).toEqual([]);
  });

  it('CREDIT_CARD: Luhn-valid numbers with or without separators', () => {
    expect(found('my card 4111 1111 1111 1111 was declined', 'CREDIT_CARD')).toEqual(['4111 1111 1111 1111']);
    expect(found('amex 378282246310005', 'CREDIT_CARD')).toEqual(['378282246310005']);
    expect(found('card: 5555-5555-5555-4444', 'CREDIT_CARD')).toEqual(['5555-5555-5555-4444']);
  });

  it('CREDIT_CARD: a bad Luhn checksum is rejected', () => {
    expect(luhnValid('4111111111111111')).toBe(true);
    expect(luhnValid('4111111111111112')).toBe(false);
    expect(found('my card 4111 1111 1111 1112 was declined', 'CREDIT_CARD')).toEqual([]);
  });

  it('IBAN_CODE: mod-97 valid, any case, grouped or not', () => {
    expect(found('IBAN GB82 WEST 1234 5698 7654 32 please', 'IBAN_CODE')).toEqual(['GB82 WEST 1234 5698 7654 32']);
    expect(found('send it to de89370400440532013000', 'IBAN_CODE')).toEqual(['de89370400440532013000']);
  });

  it('IBAN_CODE: a bad checksum or wrong length is rejected', () => {
    expect(ibanValid('GB82WEST12345698765432')).toBe(true);
    expect(ibanValid('GB83WEST12345698765432')).toBe(false);
    expect(ibanValid('GB82WEST1234569876543')).toBe(false);
    expect(found('IBAN GB83 WEST 1234 5698 7654 32', 'IBAN_CODE')).toEqual([]);
  });

  it('US_SSN: dashed numbers, or other shapes with the words; invalid areas rejected', () => {
    expect(found('my SSN: 123-45-6789', 'US_SSN')).toEqual(['123-45-6789']);
    expect(found('social security number 123 45 6789', 'US_SSN')).toEqual(['123 45 6789']);
    expect(found('code 123 45 6789', 'US_SSN')).toEqual([]);
    expect(ssnValid('666451234')).toBe(false);
    expect(ssnValid('900451234')).toBe(false);
    expect(ssnValid('123001234')).toBe(false);
    expect(found('SSN 000-12-3456', 'US_SSN')).toEqual([]);
  });

  it('IP_ADDRESS: v4 and v6, with invalid octets rejected', () => {
    expect(found('blocked from 192.168.10.254 again', 'IP_ADDRESS')).toEqual(['192.168.10.254']);
    expect(found('host 2001:db8:85a3::8a2e:370:7334 is down', 'IP_ADDRESS')).toEqual(['2001:db8:85a3::8a2e:370:7334']);
    expect(found('bad 256.1.2.3 and 1.2.3.999', 'IP_ADDRESS')).toEqual([]);
    expect(found('at 10:30:15 we left', 'IP_ADDRESS')).toEqual([]);
  });

  it('URL and DOMAIN_NAME: links with a scheme, bare domains, not file names', () => {
    expect(found('see https://example.com/a?b=1).', 'URL')).toEqual(['https://example.com/a?b=1']);
    expect(found('my site is www.acme-tools.de', 'URL')).toEqual(['www.acme-tools.de']);
    expect(found('I host it on myblog.io now', 'DOMAIN_NAME')).toEqual(['myblog.io']);
    expect(found('open main.rs and readme.md', 'DOMAIN_NAME')).toEqual([]);
  });

  it('DATE_TIME: dates, weekdays, times and years after a time word', () => {
    expect(found('born on 7/5/1981 in spring', 'DATE_TIME')).toEqual(['7/5/1981']);
    expect(found('Meet me on March 5, 2024 at 3pm', 'DATE_TIME')).toEqual(['March 5, 2024', '3pm']);
    expect(found('log 2021-06-01T12:30:00Z done', 'DATE_TIME')).toEqual(['2021-06-01T12:30:00Z']);
    expect(found('we met on Friday', 'DATE_TIME')).toEqual(['Friday']);
    expect(found('founded in 1998', 'DATE_TIME')).toEqual(['1998']);
    expect(found('I have 1998 reasons', 'DATE_TIME')).toEqual([]);
  });

  it('DATE_TIME: short dates after a word that announces one, month names alone, pieces joined, other languages', () => {
    expect(found('move my appointment from 3/14 to 3/21 please', 'DATE_TIME')).toEqual(['3/14', '3/21']);
    expect(found('Schedule: Mon 7/14 call with Rohan', 'DATE_TIME')).toEqual(['Mon 7/14']);
    expect(found('my passport expires 09/2026', 'DATE_TIME')).toEqual(['09/2026']);
    expect(found('he was my team lead in Stockholm 2019-2022', 'DATE_TIME')).toEqual(['2019-2022']);
    expect(found('my tenant hasnt paid rent for March and April', 'DATE_TIME')).toEqual(['March', 'April']);
    expect(found('party on Saturday June 14 at our place', 'DATE_TIME')).toEqual(['Saturday June 14']);
    expect(found('letter dated 17/04/2025 09:20', 'DATE_TIME')).toEqual(['17/04/2025 09:20']);
    expect(found('born 12 de marzo de 1994 in Bogotá', 'DATE_TIME')).toEqual(['12 de marzo de 1994']);
    expect(found('Interview in Erlangen am 4.11. um 14 Uhr', 'DATE_TIME')).toEqual(['4.11.', '14 Uhr']);
    // Not dates: a fraction, a price, a version, a number after "to", "may" the verb.
    expect(found('mix 3/4 cup of flour', 'DATE_TIME')).toEqual([]);
    expect(found('order 250 units at $3.40 each', 'DATE_TIME')).toEqual([]);
    expect(found('node v20.11.1 vs v22, should I upgrade', 'DATE_TIME')).toEqual([]);
    expect(found('numbers rose to 12.3 million units', 'DATE_TIME')).toEqual([]);
    expect(found('you may come in may', 'DATE_TIME')).toEqual([]);
  });

  it('AGE: a relative "is 72", a number set off after a name, other languages; not a duration or a thing', () => {
    expect(found('my dad is 72 and his bp is 160/95', 'AGE')).toEqual(['72']);
    expect(found('my grandmother Halina is 88 and fell', 'AGE')).toEqual(['88']);
    expect(found('my dad is 72 kg and tall', 'AGE')).toEqual([]);
    expect(found('my son Arjun (8) has a fever', 'AGE')).toEqual(['8']);
    expect(found('my name is Chukwuemeka Obi, 29, living in Abuja', 'AGE')).toEqual(['29']);
    expect(found('Hola, soy María, tengo 31 años y vivo en Sevilla', 'AGE')).toEqual(['31']);
    expect(found('15 yrs in audit at KPMG', 'AGE')).toEqual([]);
    expect(found('is repair worth it for a 3 year old phone', 'AGE')).toEqual([]);
    expect(found('he is a 3 year old boy', 'AGE')).toEqual(['3']);
    expect(found('Female, 34, smoker, no allergies', 'AGE')).toEqual(['34']);
    expect(found('we have 2 kids aged 5 and 8', 'AGE')).toEqual(['5', '8']);
    expect(found('male, 2.5 kg at birth', 'AGE')).toEqual([]);
  });

  it('AGE: the number in age phrases only', () => {
    expect(found('a 45-year-old woman', 'AGE')).toEqual(['45']);
    expect(found("I'm 32 years old", 'AGE')).toEqual(['32']);
    expect(found('my son just turned 7', 'AGE')).toEqual(['7']);
    expect(found('he retired at the age of 66', 'AGE')).toEqual(['66']);
    expect(found('we turned 3 pages', 'AGE')).toEqual(['3']);
    expect(found('I have 32 apples', 'AGE')).toEqual([]);
  });

  it('ZIP_CODE: with postcode words, after a state, UK and Canadian shapes', () => {
    expect(found('my zip code is 94107', 'ZIP_CODE')).toEqual(['94107']);
    expect(found('Postcode: SW1A 1AA', 'ZIP_CODE')).toEqual(['SW1A 1AA']);
    expect(found('Toronto ON M5V 3L9', 'ZIP_CODE')).toEqual(['M5V 3L9']);
    expect(found('I bought 94107 items', 'ZIP_CODE')).toEqual([]);
  });

  it('the cheap pre-checks in front of each pattern do not hide its rarer shapes', () => {
    expect(found('Postfach 1234, Berlin', 'STREET_ADDRESS')[0]).toMatch(/^Postfach 1234/);
    expect(found('Send it to London GIR 0AA today', 'ZIP_CODE')).toEqual(['GIR 0AA']);
    expect(found('ship to 221B Baker Street', 'STREET_ADDRESS')).toEqual(['221B Baker Street']);
    expect(found('see you at 9.45pm', 'DATE_TIME')).toEqual(['9.45pm']);
    expect(found('she is 7yo', 'AGE')).toEqual(['7']);
    expect(found('server fe80::1ff:fe23:4567:890a is down', 'IP_ADDRESS')).toEqual(['fe80::1ff:fe23:4567:890a']);
    expect(found('call (+44) 20 7946 0958 now', 'PHONE_NUMBER')).toEqual(['(+44) 20 7946 0958']);
  });

  it('ZIP_CODE before a town after a house number, European style; a six-digit PIN after a town', () => {
    expect(found('my ID says Kastanienallee 9, 10435 Berlin', 'ZIP_CODE')).toEqual(['10435']);
    expect(found('my ID says Kastanienallee 9, 10435 Berlin', 'LOCATION')).toEqual(['Berlin']);
    expect(found('the flat is ul. Marszałkowska 14, 00-626 Warszawa', 'ZIP_CODE')).toEqual(['00-626']);
    expect(found('update billing address to Bengaluru 560025 please', 'ZIP_CODE')).toEqual(['560025']);
    // Not after a house number and a comma: a count, a year.
    expect(found('we sold 10435 Units in 2024', 'ZIP_CODE')).toEqual([]);
  });

  it('ZIP_CODE after a town; digits after a country stay address text', () => {
    expect(found('Send it to Lisbon 1100-148 please.', 'ZIP_CODE')).toEqual(['1100-148']);
    expect(found('Our office: Pärnu\nEstonia 62488', 'ZIP_CODE')).toEqual([]);
    expect(found('Our office: Pärnu\nEstonia 62488', 'STREET_ADDRESS')).toEqual(['62488']);
  });

  it('ORGANIZATION keeps ordinary words of its name, not the word opening the sentence', () => {
    expect(found('The Clean Power Finance office is closed.', 'ORGANIZATION')).toEqual(['Clean Power Finance']);
    expect(found('We like Google Inc for nothing.', 'ORGANIZATION')).toEqual(['Google Inc']);
    expect(found('Thanks Acme Widgets Inc for nothing.', 'ORGANIZATION')).toEqual(['Acme Widgets Inc']);
    expect(found('Please Call The Bank.', 'ORGANIZATION')).toEqual([]);
  });

  it('US_DRIVER_LICENSE: only next to licence words', () => {
    expect(found("my driver's license number is D1234567", 'US_DRIVER_LICENSE')).toEqual(['D1234567']);
    expect(found('order D1234567 shipped', 'US_DRIVER_LICENSE')).toEqual([]);
  });

  it('SECRET: configuration keys, a URL\'s password, webhook URLs; not dotted names in code', () => {
    const has = (text: string, type: PiiEntityType) => found(text, type);
    expect(has('my docker-compose has POSTGRES_PASSWORD=s3cr3tP@ss2024 is that bad', 'SECRET')).toEqual(['s3cr3tP@ss2024']);
    const url = 'DATABASE_URL=postgres://admin:Qz8!mPl2@db.internal.acme-corp.net:5432/prod';
    expect(has(url, 'SECRET')).toEqual(['Qz8!mPl2']);
    expect(has(url, 'EMAIL_ADDRESS')).toEqual([]);
    expect(has(url, 'DOMAIN_NAME')).toEqual(['db.internal.acme-corp.net']);
    expect(has("fetch('https://hooks.slack.com/services/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')", 'SECRET')).toHaveLength(1);
    expect(has('    conn = psycopg2.OperationalError: password authentication failed', 'SECRET')).toEqual([]);
    expect(has('mail me at ftp.admin@example.com', 'EMAIL_ADDRESS')).toEqual(['ftp.admin@example.com']);
  });

  it('SECRET: issuer prefixes, JWTs, labelled passwords and high-entropy tokens', () => {
    const jwt = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U';
    expect(found('key sk-proj-abcdefghijklmnopqrstuvwx1234', 'SECRET')).toEqual(['sk-proj-abcdefghijklmnopqrstuvwx1234']);
    expect(found('token ghp_abcdefghijklmnopqrstuvwxyz0123456789', 'SECRET')).toEqual(['ghp_abcdefghijklmnopqrstuvwxyz0123456789']);
    expect(found('AKIAIOSFODNN7EXAMPLE is the id', 'SECRET')).toEqual(['AKIAIOSFODNN7EXAMPLE']);
    expect(found('slack xoxb-123456789012-abcdefABCDEF', 'SECRET')).toEqual(['xoxb-123456789012-abcdefABCDEF']);
    expect(found(`Authorization: Bearer ${jwt}`, 'SECRET')).toEqual([jwt]);
    expect(found('my password is Tr0ub4dor&3', 'SECRET')).toEqual(['Tr0ub4dor&3']);
    expect(found('value Zq8vN3kLpX2mR7tY9wB4cF6hJ1sD5gA0', 'SECRET')).toEqual(['Zq8vN3kLpX2mR7tY9wB4cF6hJ1sD5gA0']);
    expect(found('I forgot my password again, reset it please', 'SECRET')).toEqual([]);
    expect(found('internationalization_and_localization_rules', 'SECRET')).toEqual([]);
  });

  it('STREET_ADDRESS: English, prefix-first, compound and PO box shapes', () => {
    expect(found('ship it to 221B Baker Street, please', 'STREET_ADDRESS')).toEqual(['221B Baker Street']);
    expect(found('I live at 1600 Pennsylvania Ave NW Suite 4', 'STREET_ADDRESS')).toEqual(['1600 Pennsylvania Ave NW Suite 4']);
    expect(found('Wir wohnen in der Hauptstraße 5 seit Jahren', 'STREET_ADDRESS')).toEqual(['Hauptstraße 5']);
    expect(found('office: 12 rue de Rivoli, Paris', 'STREET_ADDRESS')[0]).toMatch(/^12 rue de Rivoli/);
    expect(found('mail it to P.O. Box 1234', 'STREET_ADDRESS')).toEqual(['P.O. Box 1234']);
    expect(found('I walked 3 miles down the road', 'STREET_ADDRESS')).toEqual([]);
  });

  it('PERSON: given names, titles, context and lower-case text', () => {
    expect(found('Yesterday I met Sarah Johnson at the station', 'PERSON')).toEqual(['Sarah Johnson']);
    expect(found('Please ask Dr. Okafor about it', 'PERSON')).toEqual(['Okafor']);
    expect(found('My name is Zbigniew Brzęczyszczykiewicz', 'PERSON')).toEqual(['Zbigniew Brzęczyszczykiewicz']);
    expect(found('hey this is maria, can you call me', 'PERSON')).toEqual(['maria']);
    expect(found("Thanks, Priya! Anna's flight lands at 6", 'PERSON')).toEqual(['Priya', 'Anna']);
  });

  it('PERSON: a known name repeated later is found again, as one span', () => {
    expect(found('My name is Xandor Quilby. Yes, Xandor Quilby again.', 'PERSON')).toEqual(['Xandor Quilby', 'Xandor Quilby']);
    expect(found('My name is Xandor Quilby. Quilby, that is.', 'PERSON')).toEqual(['Xandor Quilby', 'Quilby']);
  });

  it('PERSON: ordinary capitalised words are not names', () => {
    expect(found('Please Send The Report By Monday. Thanks!', 'PERSON')).toEqual([]);
    expect(found('My father retired at the age of 66', 'PERSON')).toEqual([]);
  });

  it('chat style: contractions, programming words and roles are not names; relation words are context', () => {
    expect(found("hey, i'm john smith", 'PERSON')).toEqual(['john smith']);
    expect(found('Python is great but TypeScript is safer', 'PERSON')).toEqual([]);
    expect(found('The French Revolution began in 1789', 'PERSON')).toEqual([]);
    expect(found('Dear Hiring Manager, I am applying for the role', 'PERSON')).toEqual([]);
    expect(found('my daughter emma is 7', 'PERSON')).toEqual(['emma']);
    // A given name that is also an ordinary word stays a word, even after a relation word.
    expect(found('my friend will help me move', 'PERSON')).toEqual([]);
  });

  it('PERSON: not identifiers in code, handles or labels; surname-first names kept whole', () => {
    expect(found('cancel my subscription, username is ravi_k88', 'PERSON')).toEqual([]);
    expect(found('in app.py:\n    conn = connect(host)', 'PERSON')).toEqual([]);
    expect(found('TypeError: Cannot read properties of undefined', 'PERSON')).toEqual([]);
    expect(found('git log shows\nAuthor: Mateusz Wróbel', 'PERSON')).toEqual(['Mateusz Wróbel']);
    expect(found('wire details: beneficiary Anh Tran, IBAN PL67 0139 6245 9571 1777 7412 1547', 'PERSON')).toEqual(['Anh Tran']);
    expect(found('who should i invite: Zhang Wei, Priya Nair', 'PERSON')).toEqual(['Zhang Wei', 'Priya Nair']);
    expect(found('my friend xiao ming keeps borrowing money', 'PERSON')).toEqual(['xiao ming']);
    expect(found('help me write a msg to ahmad saying sorry', 'PERSON')).toEqual(['ahmad']);
  });

  it('PERSON: lower-case names inside text with capitals, with a word that introduces them', () => {
    expect(found('Can you ask sarah about the API keys?', 'PERSON')).toEqual(['sarah']);
    expect(found('Meeting with john and priya at 3pm on Friday', 'PERSON')).toEqual(['john', 'priya']);
    expect(found('The PR by john smith broke CI', 'PERSON')).toEqual(['john smith']);
    // No introducing word: a lower-case given name alone stays unreported in text with capitals.
    expect(found('The sarah package on NPM is deprecated', 'PERSON')).toEqual([]);
    expect(found('I will ask Grace, and will tell the Team', 'PERSON')).toEqual(['Grace']);
  });

  it('PERSON: accented spellings of listed names ("Nguyễn", "Phạm")', () => {
    expect(found('Write a thank you note to Nguyễn Thị Lan for hosting us', 'PERSON')).toEqual(['Nguyễn Thị Lan']);
    expect(found('Write a thank you note to Nguyen Thi Lan for hosting us', 'PERSON')).toEqual(['Nguyen Thi Lan']);
  });

  it('ORGANIZATION: firms written with "&", not headings made of ordinary words', () => {
    expect(found('The meeting with Johnson & Johnson is at 3pm', 'ORGANIZATION')).toEqual(['Johnson & Johnson']);
    expect(found('I sent it to Smith & Sons Ltd yesterday', 'ORGANIZATION')).toEqual(['Smith & Sons Ltd']);
    expect(found('my plan is with AT&T', 'ORGANIZATION')).toEqual(['AT&T']);
    expect(found('Anna & Ben are coming', 'PERSON')).toEqual(['Anna', 'Ben']);
    expect(found('Genres: Action & Adventure, Kids & Family', 'ORGANIZATION')).toEqual([]);
  });

  it('TITLE: "VP of Sales", "Chief Technology Officer", capitalised job titles, "my role is", "I am the CEO"', () => {
    expect(found('She was promoted to VP of Sales last month', 'TITLE')).toEqual(['VP of Sales']);
    expect(found('Jane is our new Chief Technology Officer', 'TITLE')).toEqual(['Chief Technology Officer']);
    expect(found('Write a bio: Senior Software Engineer at Google', 'TITLE')).toEqual(['Senior Software Engineer']);
    expect(found('Write a bio: Senior Software Engineer at Google', 'ORGANIZATION')).toEqual(['Google']);
    expect(found('my role is data scientist', 'TITLE')).toEqual(['data scientist']);
    expect(found('I am the CEO of a small startup', 'TITLE')).toEqual(['CEO']);
    expect(found('she sat at the head of the table', 'TITLE')).toEqual([]);
    expect(found('I bank with Monzo', 'ORGANIZATION')).toEqual(['Monzo']);
    expect(found('I got an offer from Revolut', 'ORGANIZATION')).toEqual(['Revolut']);
    expect(found('She works for the NHS in Leeds', 'ORGANIZATION')).toEqual(['NHS']);
    expect(found('my bank is Chase', 'ORGANIZATION')).toEqual(['Chase']);
  });

  it('TITLE: a post sought or held, a role before its holder, a lower-case honorific in chat', () => {
    expect(found('write a cover letter for a senior data engineer position at Zalando', 'TITLE')).toEqual(['senior data engineer']);
    expect(found('Summary: Product Manager at Flipkart in Bengaluru', 'TITLE')).toEqual(['Product Manager']);
    expect(found('my therapist Sarah Lindqvist said I should rest', 'TITLE')).toEqual(['therapist']);
    expect(found('Our new CTO Ewa Lewandowska starts next month', 'TITLE')).toEqual(['CTO']);
    expect(found('Our new CTO Ewa Lewandowska starts next month', 'PERSON')).toEqual(['Ewa Lewandowska']);
    expect(found('my appointment at Mayo Clinic is with dr. liang tomorrow', 'PERSON')).toEqual(['liang']);
    expect(found('my appointment at Mayo Clinic is with dr. liang tomorrow', 'TITLE')).toEqual(['dr.']);
    // Not a post: a licence, or a role word with no holder, post or organisation.
    expect(found('got a ticket in Ohio, my driver license is TL482913', 'TITLE')).toEqual([]);
    expect(found('my therapist said I should rest', 'TITLE')).toEqual([]);
  });

  it('TITLE: what a role is head of, two occupation words, a role before a named person, a letter greeting', () => {
    expect(found("i'm the head of marketing at a small startup", 'TITLE')).toEqual(['head of marketing']);
    expect(found('she was promoted to director of operations last year', 'TITLE')).toEqual(['director of operations']);
    expect(found("he's our vp of engineering", 'TITLE')).toEqual(['vp of engineering']);
    expect(found('She is the editor in chief of a local paper', 'TITLE')).toEqual(['editor in chief']);
    expect(found('He is an associate professor of history in Accra', 'TITLE')).toEqual(['associate professor of history']);
    expect(found('the plant manager, Tom Kessler, signed off on it', 'TITLE')).toEqual(['plant manager']);
    expect(found('Dear Hiring Manager, please find my CV attached', 'TITLE')).toEqual(['Hiring Manager']);
    expect(found('I am applying for the role of Senior Product Designer', 'TITLE')).toEqual(['Senior Product Designer']);
    expect(found('my landlord is a retired police officer', 'TITLE')).toEqual(['retired police officer']);
    expect(found("I'm the new product manager on the payments team", 'TITLE')).toEqual(['product manager']);
    expect(found('I work as a tech lead at a bank', 'TITLE')).toEqual(['tech lead']);
    expect(found('Best regards, Jane Doe, Senior Accountant, Brightwave Ltd', 'TITLE')).toEqual(['Senior Accountant']);
    expect(found('Best regards, Jane Doe, Senior Accountant, Brightwave Ltd', 'PERSON')).toEqual(['Jane Doe']);
    expect(found('Position: Warehouse Associate', 'PERSON')).toEqual([]);
    expect(found('CEO Jane Smith announced the layoffs today', 'TITLE')).toEqual(['CEO']);
    expect(found('The report was written by Jane Smith (CFO) last week', 'TITLE')).toEqual(['CFO']);
    expect(found("I've been a nurse for 10 years", 'TITLE')).toEqual(['nurse']);
    expect(found("I'm currently a cashier at a supermarket", 'TITLE')).toEqual(['cashier']);
    expect(found('She became a lawyer in 2010', 'TITLE')).toEqual(['lawyer']);
    // A byline's role at a sentence start is not taken for a title of the name after it.
    expect(found('It was a hit. Producer James Sparks explained the song', 'TITLE')).toEqual([]);
    // Without someone holding it, a role is not a title.
    expect(found('the store manager refused my refund', 'TITLE')).toEqual([]);
    expect(found('she sat at the head of the table', 'TITLE')).toEqual([]);
    expect(found('you should lead with your strongest example', 'TITLE')).toEqual([]);
  });

  it('TITLE in other languages: the occupation after "soy", "je suis", "ich bin", "sono", "sou", "jestem"; honorifics', () => {
    expect(found('Hola, soy enfermera en un hospital de Sevilla', 'TITLE')).toEqual(['enfermera']);
    expect(found('Bonjour, je suis infirmière à Lyon', 'TITLE')).toEqual(['infirmière']);
    expect(found('Ich bin Lehrerin in Köln', 'TITLE')).toEqual(['Lehrerin']);
    expect(found('Ciao, sono un ingegnere e lavoro a Milano', 'TITLE')).toEqual(['ingegnere']);
    expect(found('Olá, sou advogada em Lisboa', 'TITLE')).toEqual(['advogada']);
    expect(found('Dzień dobry, jestem programistą w Krakowie', 'TITLE')).toEqual(['programistą']);
    expect(found('Estimado Sr. Gómez, le escribo por la factura', 'TITLE')).toEqual(['Sr.']);
    expect(found('Estimado Sr. Gómez, le escribo por la factura', 'PERSON')).toEqual(['Gómez']);
    expect(found('Gentile Dott. Bianchi, la ringrazio', 'TITLE')).toEqual(['Dott.']);
  });

  it('PERSON in scripts without capitals, after the phrase that introduces a name', () => {
    expect(found('我叫李明, 电话 138 0013 8000, 住在上海', 'PERSON')).toEqual(['李明']);
    expect(found('你好，我叫王小红，今年二十岁', 'PERSON')).toEqual(['王小红']);
    expect(found('私の名前は田中です。よろしくお願いします', 'PERSON')).toEqual(['田中']);
    expect(found('안녕하세요, 제 이름은 김민준입니다', 'PERSON')).toEqual(['김민준']);
    expect(found('مرحبا، اسمي أحمد منصور وأسكن في القاهرة', 'PERSON')).toEqual(['أحمد منصور']);
    expect(found('שלום, שמי דוד ואני גר בחיפה', 'PERSON')).toEqual(['דוד']);
    expect(found('नमस्ते, मेरा नाम राहुल शर्मा है', 'PERSON')).toEqual(['राहुल शर्मा']);
    expect(found('Здравствуйте, меня зовут Анна Петрова, я живу в Москве', 'PERSON')).toEqual(['Анна Петрова']);
    expect(found('Γεια σας, με λένε Γιώργο Παπαδόπουλο', 'PERSON')).toEqual(['Γιώργο Παπαδόπουλο']);
    // Without the phrase, text in these scripts names no one.
    expect(found('上海的天气怎么样？我想去北京旅游', 'PERSON')).toEqual([]);
    expect(found('меня зовут на работу завтра', 'PERSON')).toEqual([]);
  });

  it('PERSON and ORGANIZATION: a name before "he was", an Arabic particle, a firm "called" something, work "chez"/"bei"/"en"; no pets', () => {
    expect(found('write a recommendation for Arash Tehrani, he was my team lead', 'PERSON')).toEqual(['Arash Tehrani']);
    expect(found('can u draft a polite email to dr. fatima al-zahra asking to move it', 'PERSON')).toEqual(['fatima al-zahra']);
    expect(found('I got an offer from a startup called Lumenfold', 'ORGANIZATION')).toEqual(['Lumenfold']);
    expect(found('je travaille chez Renault depuis 2019', 'ORGANIZATION')).toEqual(['Renault']);
    expect(found('Trabajo en Mercadona desde hace dos años', 'ORGANIZATION')).toEqual(['Mercadona']);
    expect(found('Pracuję w Allegro jako programista', 'ORGANIZATION')).toEqual(['Allegro']);
    expect(found('she has a dog called Max and a cat named Luna', 'PERSON')).toEqual([]);
    expect(found('My Fitbit says I slept 5 hours', 'PERSON')).toEqual([]);
    expect(found('I finally read Sapiens and loved it', 'PERSON')).toEqual([]);
    expect(found("I read Anna's message twice", 'PERSON')).toEqual(['Anna']);
    expect(found('my Priya says hi', 'PERSON')).toEqual(['Priya']);
    expect(found('please change it to Moira Pagan', 'PERSON')).toEqual(['Moira Pagan']);
    expect(found('please change it to Moira Pagan', 'NRP')).toEqual([]);
    expect(found('I am French and live in Lyon', 'NRP')).toEqual(['French']);
    expect(found("Translate 'good morning, how are you' to Spanish", 'NRP')).toEqual([]);
    expect(found('whats a good reply to Hyun-woo he texted me at 2am', 'PERSON')).toEqual(['Hyun-woo']);
    expect(found('my friend called Anna yesterday', 'PERSON')).toEqual(['Anna']);
  });

  it('DATE_TIME: a weekday and an ordinal, quarters, holidays of a year, "\'94", Chinese, Japanese and Korean dates', () => {
    expect(found('the appointment got moved to Tuesday 14th', 'DATE_TIME')).toEqual(['Tuesday 14th']);
    expect(found('deadline is end of Q3 2025', 'DATE_TIME')).toEqual(['Q3 2025']);
    expect(found("we met on New Year's Eve 2019", 'DATE_TIME')).toEqual(["New Year's Eve 2019"]);
    expect(found("she was born in '94", 'DATE_TIME')).toEqual(["'94"]);
    expect(found('考试是2025年3月15日', 'DATE_TIME')).toEqual(['2025年3月15日']);
    expect(found('面接は4月2日です', 'DATE_TIME')).toEqual(['4月2日']);
    expect(found('시험은 2025년 3월 15일입니다', 'DATE_TIME')).toEqual(['2025년 3월 15일']);
    // A year alone, a count of months, a floor: no date.
    expect(found('我2025年去了北京', 'DATE_TIME')).toEqual([]);
    expect(found('我学了3个月中文', 'DATE_TIME')).toEqual([]);
    expect(found('my office is on the 3rd floor', 'DATE_TIME')).toEqual([]);
  });

  it('DATE_TIME: weekdays of other languages in their own case, Polish months, "March \'24", "9 o\'clock", "mid-2023"', () => {
    expect(found('nos vemos el lunes a las 10', 'DATE_TIME')).toEqual(['lunes']);
    expect(found('Treffen am Montag um 9 Uhr', 'DATE_TIME')).toEqual(['Montag', '9 Uhr']);
    expect(found('spotkanie w piątek o 15:00', 'DATE_TIME')).toEqual(['piątek', '15:00']);
    expect(found('a reunião é na segunda-feira', 'DATE_TIME')).toEqual(['segunda-feira']);
    expect(found('urodziłam się 5 marca 1990', 'DATE_TIME')).toEqual(['5 marca 1990']);
    expect(found("we launched in March '24", 'DATE_TIME')).toEqual(["March '24"]);
    expect(found("meet at 9 o'clock", 'DATE_TIME')).toEqual(["9 o'clock"]);
    expect(found('the project ran until mid-2023', 'DATE_TIME')).toEqual(['mid-2023']);
    // A capitalised Spanish weekday is a name.
    expect(found('Domingo Pérez called me', 'DATE_TIME')).toEqual([]);
    expect(found('Domingo Pérez called me', 'PERSON')).toEqual(['Domingo Pérez']);
    expect(found('Środa Kowalska called me', 'DATE_TIME')).toEqual([]);
  });

  it('ZIP_CODE right before a town and after the postcode words of other languages; AGE in Polish', () => {
    expect(found('I live in 10115 Berlin', 'ZIP_CODE')).toEqual(['10115']);
    expect(found('CEP 01310-100 São Paulo', 'ZIP_CODE')).toEqual(['01310-100']);
    expect(found('code postal 75011 Paris', 'ZIP_CODE')).toEqual(['75011']);
    expect(found('in 2019 Berlin was cold', 'ZIP_CODE')).toEqual([]);
    expect(found('mam 30 lat i mieszkam w Krakowie', 'AGE')).toEqual(['30']);
    expect(found('ho 52 anni', 'PERSON')).toEqual([]);
  });

  it('AGE spelt out: "turned five", "she\'s seventy-two and", "a twenty-year-old", "my daughter is three"; not "like I\'m five"', () => {
    expect(found('my son just turned five', 'AGE')).toEqual(['five']);
    expect(found("she's seventy-two and lives alone", 'AGE')).toEqual(['seventy-two']);
    expect(found('I met a twenty-year-old student', 'AGE')).toEqual(['twenty']);
    expect(found('my daughter is three and loves dinosaurs', 'AGE')).toEqual(['three']);
    expect(found("Kindly explain recursion like I'm five", 'AGE')).toEqual([]);
    expect(found("I'm two minutes away", 'AGE')).toEqual([]);
    expect(found('I waited two hours', 'AGE')).toEqual([]);
    expect(found('we turned two pages', 'AGE')).toEqual([]);
  });

  it('ORGANIZATION: names listed with an organisation, public bodies by their acronym; not a given name in the list', () => {
    expect(found('I applied to McKinsey, Bain and BCG', 'ORGANIZATION')).toEqual(['McKinsey', 'Bain', 'BCG']);
    expect(found('I got rejected by Stripe and Revolut', 'ORGANIZATION')).toEqual(['Stripe', 'Revolut']);
    expect(found('we interviewed at Google, Lumora Labs and Pixelhouse', 'ORGANIZATION')).toEqual(['Google', 'Lumora Labs', 'Pixelhouse']);
    expect(found('HMRC sent me a letter about my tax code', 'ORGANIZATION')).toEqual(['HMRC']);
    expect(found('the DMV lost my paperwork', 'ORGANIZATION')).toEqual(['DMV']);
    expect(found('I emailed Google and Sarah about it', 'ORGANIZATION')).toEqual(['Google']);
    expect(found('I use Google and Dropbox, and Mr. Lee uses neither', 'ORGANIZATION')).toEqual(['Google', 'Dropbox']);
  });

  it('ORGANIZATION with the kind of institution first; log timestamps; a role before "Mr. …"; no plural weekday', () => {
    expect(found('the ER at Szpital Uniwersytecki wants to keep her', 'ORGANIZATION')).toEqual(['Szpital Uniwersytecki']);
    expect(found('they met at IIT Delhi in 2015', 'ORGANIZATION')).toEqual(['IIT Delhi']);
    expect(found('they met at IIT Delhi in 2015', 'LOCATION')).toEqual([]);
    expect(found('Estudio en la Universidad Complutense de Madrid', 'ORGANIZATION')).toEqual(['Universidad Complutense de Madrid']);
    expect(found('we walked down Hospital Road to the park', 'ORGANIZATION')).toEqual([]);
    expect(found('Date:   Tue Apr 8 11:23:45 2025 +0200', 'DATE_TIME')).toEqual(['Tue Apr 8 11:23:45 2025 +0200']);
    expect(found('203.0.113.47 - - [12/Mar/2025:08:14:22 +0000] "GET /x"', 'DATE_TIME')).toEqual(['12/Mar/2025:08:14:22 +0000']);
    expect(found('Mar 12 08:14:22 host sshd[123]: Failed password', 'DATE_TIME')).toEqual(['Mar 12 08:14:22']);
    expect(found("my son's coach, Mr. Dimitrios Papadakis, yelled at the kids", 'TITLE')).toEqual(['coach', 'Mr.']);
    expect(found('can I ask for Saturdays off', 'DATE_TIME')).toEqual([]);
  });

  it('LOCATION in other scripts: inside unspaced text, before Korean particles, after Arabic and Hebrew prefixes; not inside a longer word', () => {
    expect(found('我叫李明, 住在上海', 'LOCATION')).toEqual(['上海']);
    expect(found('東京から大阪まで新幹線で行きます', 'LOCATION')).toEqual(['東京', '大阪']);
    expect(found('서울에서 부산까지 얼마나 걸려요?', 'LOCATION')).toEqual(['서울', '부산']);
    expect(found('سافرت إلى دبي وبالرياض', 'LOCATION')).toEqual(['دبي', 'الرياض']);
    expect(found('אני גר בחיפה ועובד בתל אביב', 'LOCATION')).toEqual(['חיפה', 'תל אביב']);
    expect(found('Я живу в Москве, а брат в Санкт-Петербурге', 'LOCATION')).toEqual(['Москве', 'Санкт-Петербурге']);
    expect(found('sống ở Đà Nẵng, đi Hà Nội', 'LOCATION')).toEqual(['Đà Nẵng', 'Hà Nội']);
    // A language, not the country; a place name inside another word.
    expect(found('我会说日本语', 'LOCATION')).toEqual([]);
    expect(found('Москвич на дороге', 'LOCATION')).toEqual([]);
  });

  it('US_DRIVER_LICENSE in dashed groups and other languages; SECRET for PINs, codes and a CVV; a phone extension after "(415)"', () => {
    expect(found("my driver's license number is D1234-56789-01234", 'US_DRIVER_LICENSE')).toEqual(['D1234-56789-01234']);
    expect(found('License No.: 123 456 789', 'US_DRIVER_LICENSE')).toEqual(['123 456 789']);
    expect(found('Führerschein Nr. B072RRE2I55', 'US_DRIVER_LICENSE')).toEqual(['B072RRE2I55']);
    expect(found('the passcode is 7731', 'SECRET')).toEqual(['7731']);
    expect(found('your verification code: 482913', 'SECRET')).toEqual(['482913']);
    expect(found('card 4526 0181 5908 3012 exp 08/27 cvv 153', 'SECRET')).toEqual(['153']);
    expect(found('the pin is in the drawer, I scored 1234 points', 'SECRET')).toEqual([]);
    expect(found('my cell is (415) 555-2671 ext. 12', 'PHONE_NUMBER')).toEqual(['(415) 555-2671 ext. 12']);
  });

  it('STREET_ADDRESS: ordinals in English street names; a lower-case English word opens no street; a number alone names none', () => {
    expect(found('my lease at 500 W 42nd St ends soon', 'STREET_ADDRESS')).toEqual(['500 W 42nd St']);
    expect(found('the place is at Calle de Alcalá 120, Madrid, is that close', 'STREET_ADDRESS')).toEqual(['Calle de Alcalá 120, Madrid']);
    expect(found('rendez-vous à 10h, 3 place Bellecour', 'STREET_ADDRESS')).toEqual(['3 place Bellecour']);
  });

  it('STREET_ADDRESS: a street written name-then-number before a unit; a unit word ends a titled name', () => {
    expect(found('Our office is at Dalmatinova 43 Apt. 678 in Velenje', 'STREET_ADDRESS')).toEqual(['Dalmatinova 43 Apt. 678']);
    expect(found('Mrs. Barbara Yudina Apt. 675', 'PERSON')).toEqual(['Barbara Yudina']);
    expect(found('Mrs. Barbara Yudina Apt. 675', 'STREET_ADDRESS')).toEqual(['Apt. 675']);
  });

  it('LOCATION: after a phrase that introduces places, a given name is the place', () => {
    expect(found('he grew up in Shelly Park', 'LOCATION')).toEqual(['Shelly Park']);
    expect(found('he grew up in Shelly Park', 'PERSON')).toEqual([]);
    expect(found('Last year we moved to Sydney', 'LOCATION')).toEqual(['Sydney']);
    expect(found('I got a message from John', 'PERSON')).toEqual(['John']);
  });

  it('ORGANIZATION: institutions, a known name with the words after it, never code', () => {
    expect(found("im applying to be a nurse at St. Mary's Hospital, can u help", 'ORGANIZATION')).toEqual(["St. Mary's Hospital"]);
    expect(found('appointment at Royal Free Hospital on Monday', 'ORGANIZATION')).toEqual(['Royal Free Hospital']);
    expect(found('I have an interview at Siemens Healthineers in Erlangen', 'ORGANIZATION')).toEqual(['Siemens Healthineers']);
    expect(found('const openai = new OpenAI({ apiKey })', 'ORGANIZATION')).toEqual([]);
    expect(found('i set GITHUB_TOKEN in .bashrc', 'ORGANIZATION')).toEqual([]);
    expect(found('useEffect runs twice in StrictMode here', 'LOCATION')).toEqual([]);
  });

  it('ORGANIZATION: an unknown name after a bare "at" is where someone works; after "arrived at" a place', () => {
    expect(found('Product Manager at Flipkart in Bengaluru', 'ORGANIZATION')).toEqual(['Flipkart']);
    expect(found('The Princess Royal arrived at Khandallah this morning', 'LOCATION')).toEqual(['Khandallah']);
  });

  it('LOCATION: a town before a US state code, whatever its name', () => {
    expect(found('I live in Austin TX 78701', 'LOCATION')).toEqual(['Austin', 'TX']);
    expect(found('moving to Tyler, TX next month', 'LOCATION')).toEqual(['Tyler', 'TX']);
    expect(found('moving to Tyler, TX next month', 'PERSON')).toEqual([]);
    // A state code that is also a word counts only before a ZIP code.
    expect(found('Thanks Anna, OK see you', 'LOCATION')).toEqual([]);
    expect(found('Dayton, OH 45402', 'LOCATION')).toEqual(['Dayton', 'OH']);
  });

  it('ORGANIZATION, LOCATION, NRP, TITLE', () => {
    expect(found('I work for Acme Widgets Inc. since May', 'ORGANIZATION')).toEqual(['Acme Widgets Inc.']);
    expect(found('she got an offer from Google and Microsoft', 'ORGANIZATION')).toEqual(['Google', 'Microsoft']);
    expect(found('We moved from Lisbon to New York City last year', 'LOCATION')).toEqual(['Lisbon', 'New York City']);
    expect(found('He is a proud Brazilian and a devout Catholic', 'NRP')).toEqual(['Brazilian', 'Catholic']);
    expect(found('Mrs. Patel will see you', 'TITLE')).toEqual(['Mrs.']);
    expect(found('I used to work as a senior software engineer', 'TITLE')).toEqual(['senior software engineer']);
    expect(found('I am studying English this year', 'NRP')).toEqual([]);
    expect(found('Can you translate this email to German for my neighbour', 'NRP')).toEqual([]);
    expect(found('What is the capital letter rule for German nouns?', 'NRP')).toEqual([]);
    expect(found('on the last Sunday before Labor Day we flew', 'NRP')).toEqual([]);
    expect(found('my neighbour is German and very kind', 'NRP')).toEqual(['German']);
  });

  it('options: minScore and entities restrict what is reported', () => {
    const onlyEmail = createPiiEngine({ entities: ['EMAIL_ADDRESS'] });
    expect(onlyEmail.detect('Sarah Johnson, sarah@example.com').map((s) => s.type)).toEqual(['EMAIL_ADDRESS']);
    const strict = createPiiEngine({ minScore: 0.99 });
    expect(strict.detect('Sarah Johnson, sarah@example.com').map((s) => s.type)).toEqual(['EMAIL_ADDRESS']);
    expect(engine.detect('')).toEqual([]);
  });
});
