/**
 * A chat-style evaluation set: short messages as people type them to an AI assistant (casual,
 * lower case, typos, code and logs, email drafts, travel, medical and legal questions, support
 * requests, several languages and naming traditions), with the personal data in them marked.
 * Written for this project: every text and every value is invented here (no external source), so
 * it is under the project's licence. Cards pass Luhn, IBANs pass mod-97, SSNs avoid the 000, 666
 * and 9xx areas; phone numbers, emails, keys and addresses are made up.
 *
 * It is a second development set next to the dev set (presidio-synth-v2.json): it is read to find
 * errors, so it is not a held-out test. Score it with `node bin/run-ts.js bench/pii/chat-score.ts`.
 *
 * Each entity is a `value` that occurs verbatim in `text`; it marks the `occurrence`-th exact
 * occurrence (1-based, default the first). Types are the dev set's, plus SECRET.
 *
 * Annotation conventions (follow them strictly when adding samples):
 * - PERSON: a person's name as written (full name as one span, first name or surname alone when
 *   that is all there is), without any honorific. Names of pets, products and fictional or
 *   figurative uses ("the surname Nakamura") are not marked.
 * - TITLE: an honorific before a name ("Mr.", "Dr.", "Mme", "Herr", "Rev.") as its own span, and a
 *   job title that states someone's position: the writer's, the recipient's, a named person's or
 *   the role applied for ("senior data engineer", "CTO", "my therapist Sarah …" → "therapist").
 *   Generic mentions ("should I see a doctor") are not marked.
 * - STREET_ADDRESS: the street line only: house number, street and a flat/apartment written with
 *   it ("221B Baker Street", "Hauptstraße 5", "315 Atlantic Ave Apt 2R", "Flat 5, 18 Wilmslow Road").
 *   The city, state and country are separate GPE spans; the postcode a separate ZIP_CODE span.
 * - GPE: cities, countries, states and provinces, also as abbreviations ("TX", "uk"). Airports,
 *   parks, neighbourhoods and roads are not marked, nor a place inside an organisation's name
 *   ("IIT Delhi", "University of Lagos" are one ORGANIZATION span each).
 * - DATE_TIME: explicit dates and times, each as written ("March 3rd", "3/4/2024", "5pm",
 *   "15:30 CET"; a date and a time written next to each other, or a log timestamp, as one span,
 *   but separate spans when a word joins them: "2025-02-11 at 15:30"; a weekday that names a particular day: "by
 *   Thursday", "Saturday June 14" as one span; a month or year when it dates something in the
 *   writer's or someone's life: "since March", "in 2019"). Not marked: relative dates
 *   ("tomorrow", "last week", "next month"), recurring weekdays ("Monday mornings", "Saturdays
 *   off"), durations ("3 months"), years and dates of public history or software releases, month
 *   names used as names ("April Fools", "the May release").
 * - AGE: just the number ("I'm 34" → "34", "a 15 year old" → "15"); not idioms ("like I'm five")
 *   or the age of things.
 * - ORGANIZATION: named companies, banks, universities, hospitals, agencies and hotels, also when
 *   the name stands for the company's service ("my Uber account", "LinkedIn summary", "a github
 *   repo"). Not marked: technologies, languages and products ("Python", "React", "Docker", "Git",
 *   "iPhone"), card brands naming a card ("my amex", "visa ending 4467"), and names inside code,
 *   commands or config keys (`new OpenAI(…)`, `GITHUB_TOKEN`, "aws cli").
 * - NRP: nationalities, religions and political groups ("Nigerian", "Sikh", "Methodist");
 *   language names ("translate to Spanish") are not marked.
 * - DOMAIN_NAME: a URL (scheme to end of path) or a bare domain, as one span; not inside an email.
 * - EMAIL_ADDRESS, PHONE_NUMBER (with its country code or prefix as written), CREDIT_CARD,
 *   IBAN_CODE, US_SSN, IP_ADDRESS (every IPv4/IPv6, private and loopback too), ZIP_CODE,
 *   US_DRIVER_LICENSE: the value as written, with its own spaces or dashes.
 * - SECRET: API keys, tokens and passwords, PINs, one-time codes and a card's security code (CVV):
 *   the secret value only, not its label or "Bearer". A
 *   URL that is itself the credential (a webhook URL) is one SECRET span, not a DOMAIN_NAME; in a
 *   connection string the password is SECRET and the host a DOMAIN_NAME.
 * - Order numbers, ticket and booking references, usernames, last four digits of a card, prices,
 *   versions, quantities and measurements are not marked.
 */
import { PII_ENTITY_TYPES, type PiiEntityType } from '../../src/pii/index.js';
import { toDatasetType } from './dataset.js';

/** The engine's types under the dev set's names (LOCATION is GPE, URL is DOMAIN_NAME; see dataset.ts). */
export type ChatEntityType = Exclude<PiiEntityType, 'LOCATION' | 'URL'> | 'GPE';

export const CHAT_ENTITY_TYPES: readonly ChatEntityType[] = [...new Set(PII_ENTITY_TYPES.map((t) => toDatasetType(t) as ChatEntityType))];

export interface ChatEntity {
  type: ChatEntityType;
  value: string;
  occurrence?: number;
}

export interface ChatSample {
  text: string;
  entities: ChatEntity[];
}

type E = [ChatEntityType, string] | [ChatEntityType, string, number];
const c = (text: string, ...entities: E[]): ChatSample => ({
  text,
  entities: entities.map(([type, value, occurrence]) => (occurrence === undefined ? { type, value } : { type, value, occurrence })),
});

export const CHAT_SET: ChatSample[] = [
  // Email drafts and letters
  c('write an email to my landlord Mr. Okonkwo about the heater thats been broken since January 12 and that i will hold back rent if its not fixed', ['TITLE', 'Mr.'], ['PERSON', 'Okonkwo'], ['DATE_TIME', 'January 12']),
  c('can u draft a polite email to dr. fatima al-zahra asking to move my appointment from 3/14 to 3/21, my number is 312-555-0148 if she needs to call', ['TITLE', 'dr.'], ['PERSON', 'fatima al-zahra'], ['DATE_TIME', '3/14'], ['DATE_TIME', '3/21'], ['PHONE_NUMBER', '312-555-0148']),
  c('Help me write a reply to Katarzyna Wiśniewska (k.wisniewska@onet.pl) saying we accept the offer and can start on 1 September', ['PERSON', 'Katarzyna Wiśniewska'], ['EMAIL_ADDRESS', 'k.wisniewska@onet.pl'], ['DATE_TIME', '1 September']),
  c('email to my kids teacher ms hernandez, my son mateo wont be in school friday he has a dentist appt at 10:30', ['TITLE', 'ms'], ['PERSON', 'hernandez'], ['PERSON', 'mateo'], ['DATE_TIME', '10:30'], ['DATE_TIME', 'friday']),
  c('Draft an email to HR at Meridian Logistics, I want to resign effective October 31, 2025. My manager is Tomasz Nowak.', ['ORGANIZATION', 'Meridian Logistics'], ['DATE_TIME', 'October 31, 2025'], ['PERSON', 'Tomasz Nowak']),
  c('write a complaint to the council about the potholes outside 42 Mill Lane, Sheffield S10 2TN. sign it from Aisha Rahman', ['STREET_ADDRESS', '42 Mill Lane'], ['GPE', 'Sheffield'], ['ZIP_CODE', 'S10 2TN'], ['PERSON', 'Aisha Rahman']),
  c('pls make this sound more professional: hey jun, the invoice from last month still isnt paid, send it to billing@kestrelworks.io asap', ['PERSON', 'jun'], ['EMAIL_ADDRESS', 'billing@kestrelworks.io']),
  c('Write a thank you note to Nguyễn Thị Lan for hosting us in Hanoi over the new year', ['PERSON', 'Nguyễn Thị Lan'], ['GPE', 'Hanoi']),
  c("i need to tell my landlady mrs. o'brien that im moving out on the 30th of june, the address is 7 Carrow Road, Norwich NR1 1HU", ['TITLE', 'mrs.'], ['PERSON', "o'brien"], ['DATE_TIME', '30th of june'], ['STREET_ADDRESS', '7 Carrow Road'], ['GPE', 'Norwich'], ['ZIP_CODE', 'NR1 1HU']),
  c('Can you translate this to German for my neighbour Herr Schmidt: the package for Wagner at Lindenstraße 12 is with me', ['TITLE', 'Herr'], ['PERSON', 'Schmidt'], ['PERSON', 'Wagner'], ['STREET_ADDRESS', 'Lindenstraße 12']),
  c("write an out of office message: I'm away until 14 August, for urgent issues contact Chidi Eze on +234 803 555 0192 or chidi.eze@zenithfreight.ng", ['DATE_TIME', '14 August'], ['PERSON', 'Chidi Eze'], ['PHONE_NUMBER', '+234 803 555 0192'], ['EMAIL_ADDRESS', 'chidi.eze@zenithfreight.ng']),
  c('reword this email to my professor: Dear Prof. Ramanathan, I missed the midterm on Oct 9 because I had covid, attached is the note from Stanford Health Care', ['TITLE', 'Prof.'], ['PERSON', 'Ramanathan'], ['DATE_TIME', 'Oct 9'], ['ORGANIZATION', 'Stanford Health Care']),
  c("write a birthday message for my grandma she's turning 90 on saturday, her name is Wanjiru", ['AGE', '90'], ['PERSON', 'Wanjiru'], ['DATE_TIME', 'saturday']),
  c('help me write an apology email to the client, Mr. Hiroshi Tanaka from Aozora Trading, we shipped the wrong parts', ['TITLE', 'Mr.'], ['PERSON', 'Hiroshi Tanaka'], ['ORGANIZATION', 'Aozora Trading']),
  c('email my team that the standup moves to 9:15am starting Monday 3 March', ['DATE_TIME', '9:15am'], ['DATE_TIME', 'Monday 3 March']),
  c('Draft a letter to the IRS explaining I moved from 880 Pine Ridge Dr, Boise, ID 83702 to Portland, my SSN is 512-48-3907', ['ORGANIZATION', 'IRS'], ['STREET_ADDRESS', '880 Pine Ridge Dr'], ['GPE', 'Boise'], ['GPE', 'ID'], ['ZIP_CODE', '83702'], ['GPE', 'Portland'], ['US_SSN', '512-48-3907']),
  c('write a short email to sofia.gutierrez@uniandes.edu.co asking if the thesis defense is still on 22/05 at 16:00', ['EMAIL_ADDRESS', 'sofia.gutierrez@uniandes.edu.co'], ['DATE_TIME', '22/05'], ['DATE_TIME', '16:00']),
  c('can u fix grammar: Dear Mrs Adebayo i am writing to inform you that your son Tunde got into a fight today at break', ['TITLE', 'Mrs'], ['PERSON', 'Adebayo'], ['PERSON', 'Tunde']),
  c('I need an email to my bank Santander asking why €450 was taken from my account ES0289078666617603137215 on 2 Feb', ['ORGANIZATION', 'Santander'], ['IBAN_CODE', 'ES0289078666617603137215'], ['DATE_TIME', '2 Feb']),
  c('write to my insurance (Allianz) that the accident happened on the A9 near Nürnberg at around 7:40 pm on 17.03.2024', ['ORGANIZATION', 'Allianz'], ['GPE', 'Nürnberg'], ['DATE_TIME', '7:40 pm'], ['DATE_TIME', '17.03.2024']),
  c('can you make this shorter. Hi Sanjay, following up on our call, the revised quote is attached, let me know by Thursday. Best, Lorena', ['PERSON', 'Sanjay'], ['PERSON', 'Lorena'], ['DATE_TIME', 'Thursday']),
  c('write a condolence card to the family of Mr. Adewale Johnson, he was our neighbour for 20 years', ['TITLE', 'Mr.'], ['PERSON', 'Adewale Johnson']),

  // Cover letters and work
  c('write a cover letter for a senior data engineer position at Zalando, I have 6 years of experience with Spark and Airflow, my name is Piotr Zieliński', ['TITLE', 'senior data engineer'], ['ORGANIZATION', 'Zalando'], ['PERSON', 'Piotr Zieliński']),
  c("im applying to be a registered nurse at St. Mary's Hospital, can u write me a cover letter, i graduated from University of Lagos in 2019", ['TITLE', 'registered nurse'], ['ORGANIZATION', "St. Mary's Hospital"], ['ORGANIZATION', 'University of Lagos'], ['DATE_TIME', '2019']),
  c('Rewrite my LinkedIn summary: Product Manager at Flipkart in Bengaluru, previously analyst at Deloitte. Contact: ananya.iyer@gmail.com', ['TITLE', 'Product Manager'], ['ORGANIZATION', 'Flipkart'], ['GPE', 'Bengaluru'], ['TITLE', 'analyst'], ['ORGANIZATION', 'Deloitte'], ['EMAIL_ADDRESS', 'ananya.iyer@gmail.com'], ['ORGANIZATION', 'LinkedIn']),
  c("cover letter for a barista job, I'm 19 and I live in Leeds, I worked at Costa for a summer", ['TITLE', 'barista'], ['AGE', '19'], ['GPE', 'Leeds'], ['ORGANIZATION', 'Costa']),
  c('my resume header should have: Mohammed Al-Farsi | Dubai, UAE | +971 50 123 4567 | linkedin.com/in/malfarsi', ['PERSON', 'Mohammed Al-Farsi'], ['GPE', 'Dubai'], ['GPE', 'UAE'], ['PHONE_NUMBER', '+971 50 123 4567'], ['DOMAIN_NAME', 'linkedin.com/in/malfarsi']),
  c('write a reference letter for my former intern Lê Minh Tuấn, he worked with us at Vinamilk from June 2022 to December 2022', ['TITLE', 'intern'], ['PERSON', 'Lê Minh Tuấn'], ['ORGANIZATION', 'Vinamilk'], ['DATE_TIME', 'June 2022'], ['DATE_TIME', 'December 2022']),
  c("how do i answer 'why do you want to work at Shopify' for a frontend developer role", ['ORGANIZATION', 'Shopify'], ['TITLE', 'frontend developer']),
  c('Tailor this CV for a Chief Financial Officer role. Name: Beatriz Gonçalves, based in Lisbon, 15 yrs in audit at KPMG', ['TITLE', 'Chief Financial Officer'], ['PERSON', 'Beatriz Gonçalves'], ['GPE', 'Lisbon'], ['ORGANIZATION', 'KPMG']),
  c('write a resignation letter to my boss Daniel Kim, last day will be Friday the 13th of December', ['PERSON', 'Daniel Kim'], ['DATE_TIME', 'Friday the 13th of December']),
  c('I have an interview at Siemens Healthineers in Erlangen on 4.11. at 14 Uhr, what should I ask', ['ORGANIZATION', 'Siemens Healthineers'], ['GPE', 'Erlangen'], ['DATE_TIME', '4.11.'], ['DATE_TIME', '14 Uhr']),
  c('help me negotiate salary, offer is $145,000 for staff software engineer at Stripe', ['TITLE', 'staff software engineer'], ['ORGANIZATION', 'Stripe']),
  c('write bio for conference: Dr. Olumide Bakare is a research scientist at the University of Ibadan working on malaria vaccines', ['TITLE', 'Dr.'], ['PERSON', 'Olumide Bakare'], ['TITLE', 'research scientist'], ['ORGANIZATION', 'University of Ibadan']),
  c('write a LinkedIn recommendation for Arash Tehrani, he was my team lead at Ericsson in Stockholm 2019-2022', ['PERSON', 'Arash Tehrani'], ['TITLE', 'team lead'], ['ORGANIZATION', 'Ericsson'], ['GPE', 'Stockholm'], ['DATE_TIME', '2019-2022'], ['ORGANIZATION', 'LinkedIn']),
  c('Our new CTO Ewa Lewandowska starts next month, write a welcome post for the #general channel', ['TITLE', 'CTO'], ['PERSON', 'Ewa Lewandowska']),
  c('My phone number changed to (646) 555-0173, update the signature: Rebecca Stein, Partner, Hale & Dorsey LLP', ['PHONE_NUMBER', '(646) 555-0173'], ['PERSON', 'Rebecca Stein'], ['TITLE', 'Partner'], ['ORGANIZATION', 'Hale & Dorsey LLP']),
  c('my coworker Abdullahi keeps taking credit for my work at Dangote, how do i handle it', ['PERSON', 'Abdullahi'], ['ORGANIZATION', 'Dangote']),
  c('im a warehouse supervisor at Amazon in Phoenix, can they make me work 12 hour shifts', ['TITLE', 'warehouse supervisor'], ['ORGANIZATION', 'Amazon'], ['GPE', 'Phoenix']),
  c('performance review for Jakub Szymański: great at mentoring, needs to improve estimates. tone it down a bit', ['PERSON', 'Jakub Szymański']),

  // Travel
  c('planning a trip to kyoto and osaka in april with my wife mei, we land on 4/12 at 6:45am any tips', ['GPE', 'kyoto'], ['GPE', 'osaka'], ['DATE_TIME', 'april'], ['PERSON', 'mei'], ['DATE_TIME', '4/12'], ['DATE_TIME', '6:45am']),
  c('my flight is LH 2417 from Munich to Warsaw on 12 Nov, booking ref QZ7K2P, passenger Agnieszka Kowalczyk', ['GPE', 'Munich'], ['GPE', 'Warsaw'], ['DATE_TIME', '12 Nov'], ['PERSON', 'Agnieszka Kowalczyk']),
  c('whats the quickest way from the airport to 221 Kensington High Street london W8 6SX', ['STREET_ADDRESS', '221 Kensington High Street'], ['GPE', 'london'], ['ZIP_CODE', 'W8 6SX']),
  c('itinerary pls: Day 1 Marrakech, day 2 Essaouira, day 3 back to Casablanca, we fly out Jan 5', ['GPE', 'Marrakech'], ['GPE', 'Essaouira'], ['GPE', 'Casablanca'], ['DATE_TIME', 'Jan 5']),
  c('is a schengen visa needed for an Indian passport holder going to Paris and Amsterdam', ['NRP', 'Indian'], ['GPE', 'Paris'], ['GPE', 'Amsterdam']),
  c('hotel confirmation for Rahul Deshpande, check in 18 Feb 2025, Hotel Adlon Kempinski, Unter den Linden 77, 10117 Berlin', ['PERSON', 'Rahul Deshpande'], ['DATE_TIME', '18 Feb 2025'], ['ORGANIZATION', 'Hotel Adlon Kempinski'], ['STREET_ADDRESS', 'Unter den Linden 77'], ['ZIP_CODE', '10117'], ['GPE', 'Berlin']),
  c("we're driving from chicago to nashville on the 4th of july weekend, 2 adults 3 kids, need stops", ['GPE', 'chicago'], ['GPE', 'nashville'], ['DATE_TIME', '4th of july']),
  c('my airbnb host Joaquín Pérez says the place is at Calle de Alcalá 120, Madrid, is that close to the park', ['PERSON', 'Joaquín Pérez'], ['STREET_ADDRESS', 'Calle de Alcalá 120'], ['GPE', 'Madrid'], ['ORGANIZATION', 'airbnb']),
  c('translate to french: I will arrive at 14 rue de la Roquette, 75011 Paris around 9pm, my name is Emily Carter', ['STREET_ADDRESS', '14 rue de la Roquette'], ['ZIP_CODE', '75011'], ['GPE', 'Paris'], ['DATE_TIME', '9pm'], ['PERSON', 'Emily Carter']),
  c("what documents does my mother need, she's 67 and a Pakistani citizen visiting me in Toronto for 3 months", ['AGE', '67'], ['NRP', 'Pakistani'], ['GPE', 'Toronto']),
  c('train from Mumbai to Pune tomorrow morning, is the early one still running?', ['GPE', 'Mumbai'], ['GPE', 'Pune']),
  c('pack list for Iceland in february, staying in Reykjavik 6 nights', ['GPE', 'Iceland'], ['DATE_TIME', 'february'], ['GPE', 'Reykjavik']),
  c('can i bring my dog on a flight from Lagos to Accra with Air Peace', ['GPE', 'Lagos'], ['GPE', 'Accra'], ['ORGANIZATION', 'Air Peace']),
  c('itinerary for Hà Nội → Hạ Long → Hội An, leaving 2025-03-08', ['GPE', 'Hà Nội'], ['GPE', 'Hạ Long'], ['GPE', 'Hội An'], ['DATE_TIME', '2025-03-08']),
  c('my passport expires 09/2026, can I still travel to Thailand in December', ['DATE_TIME', '09/2026'], ['GPE', 'Thailand'], ['DATE_TIME', 'December']),
  c('we r 4 friends going to goa from delhi, budget 20k each, suggest beaches', ['GPE', 'goa'], ['GPE', 'delhi']),
  c('Rome for 3 days then Florence, is the train ok or should we rent a car', ['GPE', 'Rome'], ['GPE', 'Florence']),
  c('layover in Istanbul for 9 hours on March 22, can I leave the airport with a Filipino passport', ['GPE', 'Istanbul'], ['DATE_TIME', 'March 22'], ['NRP', 'Filipino']),
  c('meeting with Ana Lima on 2025-02-11 at 15:30 CET about the São Paulo office, what should I prepare', ['PERSON', 'Ana Lima'], ['DATE_TIME', '2025-02-11'], ['DATE_TIME', '15:30 CET'], ['GPE', 'São Paulo']),

  // Medical
  c('my dad is 72 and his bp is 160/95 this morning is that dangerous', ['AGE', '72']),
  c("I'm 34, female, been having migraines since March, Dr. Patel prescribed sumatriptan 50mg is that safe with ibuprofen", ['AGE', '34'], ['DATE_TIME', 'March'], ['TITLE', 'Dr.'], ['PERSON', 'Patel']),
  c("my son Arjun (8) has a fever of 39.2 since last night should i take him to Children's Hospital of Philadelphia", ['PERSON', 'Arjun'], ['AGE', '8'], ['ORGANIZATION', "Children's Hospital of Philadelphia"]),
  c('lab results for Wei Zhang DOB 1985-07-23: HbA1c 6.8%, LDL 142, what does this mean', ['PERSON', 'Wei Zhang'], ['DATE_TIME', '1985-07-23']),
  c('my appointment at Mayo Clinic is on june 3 at 8am with dr. liang, what should i bring', ['ORGANIZATION', 'Mayo Clinic'], ['DATE_TIME', 'june 3'], ['DATE_TIME', '8am'], ['TITLE', 'dr.'], ['PERSON', 'liang']),
  c('is 5 hours of sleep ok for a 15 year old', ['AGE', '15']),
  c('my grandmother Halina is 88 and fell at home in Kraków, the ER at Szpital Uniwersytecki wants to keep her, is that normal', ['PERSON', 'Halina'], ['AGE', '88'], ['GPE', 'Kraków'], ['ORGANIZATION', 'Szpital Uniwersytecki']),
  c("i'm pregnant, due date is 11/02/2025, what vaccines do I need", ['DATE_TIME', '11/02/2025']),
  c('Patient note: Mr. Emeka Nwosu, 45 y/o male, presented 02/03/2024 with chest pain, hx of hypertension, seen by Dr. Ama Boateng', ['TITLE', 'Mr.'], ['PERSON', 'Emeka Nwosu'], ['AGE', '45'], ['DATE_TIME', '02/03/2024'], ['TITLE', 'Dr.'], ['PERSON', 'Ama Boateng']),
  c('how long does a sprained ankle take to heal, im 26 and play football twice a week', ['AGE', '26']),
  c("my therapist Sarah Lindqvist said I might have ADHD, I'm a 41 year old dad of two, where do i start", ['TITLE', 'therapist'], ['PERSON', 'Sarah Lindqvist'], ['AGE', '41']),
  c("can you explain my MRI report, it says L4-L5 disc bulge with mild stenosis, I'm 52", ['AGE', '52']),
  c('my insurance member id is XHM448120933 at Blue Cross, they denied the claim from 14 Jan', ['ORGANIZATION', 'Blue Cross'], ['DATE_TIME', '14 Jan']),
  c('Baby Nia was born 3 weeks early on 5 May at 2:14am weighing 2.4kg, is that underweight', ['PERSON', 'Nia'], ['DATE_TIME', '5 May'], ['DATE_TIME', '2:14am']),
  c('muslim patient fasting this month, can she take metformin before the pre-dawn meal', ['NRP', 'muslim']),
  c('my wife Thandiwe has had a cough for 3 weeks, she is 38 and a smoker, should she get an xray', ['PERSON', 'Thandiwe'], ['AGE', '38']),
  c('took 2 paracetamol at 6pm and 2 more at 10pm, can i take another dose now its 1am', ['DATE_TIME', '6pm'], ['DATE_TIME', '10pm'], ['DATE_TIME', '1am']),
  c('appointment letter says: Ms. Jiang Hui, Outpatient Clinic B, Royal Free Hospital, 17/04/2025 09:20', ['TITLE', 'Ms.'], ['PERSON', 'Jiang Hui'], ['ORGANIZATION', 'Royal Free Hospital'], ['DATE_TIME', '17/04/2025 09:20']),

  // Legal
  c('my landlord in Brooklyn wont return my $2,400 deposit, I moved out of 315 Atlantic Ave Apt 2R on Aug 1, what can i do', ['GPE', 'Brooklyn'], ['STREET_ADDRESS', '315 Atlantic Ave Apt 2R'], ['DATE_TIME', 'Aug 1']),
  c('can my employer Tesco fire me for being off sick 3 times in 6 months? uk law', ['ORGANIZATION', 'Tesco'], ['GPE', 'uk']),
  c('got a speeding ticket in Ohio, my driver license # is TL482913, I was doing 47 in a 35 zone in Columbus on 9/18', ['GPE', 'Ohio'], ['US_DRIVER_LICENSE', 'TL482913'], ['GPE', 'Columbus'], ['DATE_TIME', '9/18']),
  c("is it legal for my ex, Marcus Bell, to take our daughter to Canada without my consent? she's 6", ['PERSON', 'Marcus Bell'], ['GPE', 'Canada'], ['AGE', '6']),
  c("write a cease and desist to Brightline Media LLC for using my photos, I'm Noor Haddad, a photographer in Amman", ['ORGANIZATION', 'Brightline Media LLC'], ['PERSON', 'Noor Haddad'], ['TITLE', 'photographer'], ['GPE', 'Amman']),
  c('my H-1B expires on 2025-10-01 and my employer Infosys is not renewing it, what are my options', ['DATE_TIME', '2025-10-01'], ['ORGANIZATION', 'Infosys']),
  c('how do I contest a will in Lagos, my uncle Babatunde Olawale died in 2023 and left everything to his driver', ['GPE', 'Lagos'], ['PERSON', 'Babatunde Olawale'], ['DATE_TIME', '2023']),
  c("small claims: Kevin O'Sullivan owes me €1,200 since 15/06/2024, he lives at 9 Ormond Quay in Dublin", ['PERSON', "Kevin O'Sullivan"], ['DATE_TIME', '15/06/2024'], ['STREET_ADDRESS', '9 Ormond Quay'], ['GPE', 'Dublin']),
  c('my tenant Li Na hasnt paid rent for March and April, can I change the locks? property is in Texas', ['PERSON', 'Li Na'], ['DATE_TIME', 'March'], ['DATE_TIME', 'April'], ['GPE', 'Texas']),
  c('divorce question: married in 2011 in Karachi, now living in Manchester, can I file here', ['DATE_TIME', '2011'], ['GPE', 'Karachi'], ['GPE', 'Manchester']),
  c("my neighbour's tree fell on my car, he's Mr. Gómez at 58 Sunset Blvd, do i claim on his insurance or mine", ['TITLE', 'Mr.'], ['PERSON', 'Gómez'], ['STREET_ADDRESS', '58 Sunset Blvd']),
  c('i was arrested in Florida in 2016 for a misdemeanor, will it show up in the background check for Walmart', ['GPE', 'Florida'], ['DATE_TIME', '2016'], ['ORGANIZATION', 'Walmart']),
  c('my California DL is D4829175, it got suspended, can I still drive for work', ['GPE', 'California'], ['US_DRIVER_LICENSE', 'D4829175']),
  c('witness statement draft: on 21 October at about 11:45pm I saw a grey van hit the fence at 16 Elm Grove, Reading RG1 4AX', ['DATE_TIME', '21 October'], ['DATE_TIME', '11:45pm'], ['STREET_ADDRESS', '16 Elm Grove'], ['GPE', 'Reading'], ['ZIP_CODE', 'RG1 4AX']),
  c('can a Jewish employee ask for Saturdays off in Germany, my boss Herr Braun said no', ['NRP', 'Jewish'], ['GPE', 'Germany'], ['PERSON', 'Braun'], ['TITLE', 'Herr']),

  // Support requests
  c('hi my order #A-889213 never arrived, shipping address is 1600 Maple Ave, Springfield, IL 62704, name on the order Jessica Moreno', ['STREET_ADDRESS', '1600 Maple Ave'], ['GPE', 'Springfield'], ['GPE', 'IL'], ['ZIP_CODE', '62704'], ['PERSON', 'Jessica Moreno']),
  c('i was charged twice on my visa ending 4467 for order 55120934, can you help write a message to support'),
  c('My account email is dang.van.khoa@yahoo.com and I cant reset my password, the code never comes', ['EMAIL_ADDRESS', 'dang.van.khoa@yahoo.com']),
  c('write a complaint to Vodafone: my number 07700 900461 was ported without my permission on 3 Jan', ['ORGANIZATION', 'Vodafone'], ['PHONE_NUMBER', '07700 900461'], ['DATE_TIME', '3 Jan']),
  c('refund request for ticket TK-20931, customer Oluwaseun Adeyemi, phone +234 812 555 7734', ['PERSON', 'Oluwaseun Adeyemi'], ['PHONE_NUMBER', '+234 812 555 7734']),
  c('the courier DHL says they tried to deliver to Flat 5, 18 Wilmslow Road, Manchester M14 5TQ but I was home all day', ['ORGANIZATION', 'DHL'], ['STREET_ADDRESS', 'Flat 5, 18 Wilmslow Road'], ['GPE', 'Manchester'], ['ZIP_CODE', 'M14 5TQ']),
  c('cancel my subscription, username is ravi_k88 and the card on file is 5478 7789 3287 9219', ['CREDIT_CARD', '5478 7789 3287 9219']),
  c('Hi, I bought a laptop from you on 2024-12-26 (order 7781-2290-11), the screen flickers. Name: Ingrid Halvorsen, Oslo', ['DATE_TIME', '2024-12-26'], ['PERSON', 'Ingrid Halvorsen'], ['GPE', 'Oslo']),
  c('my package to 4 Rue Sainte-Catherine, 33000 Bordeaux is stuck in customs since 10/10', ['STREET_ADDRESS', '4 Rue Sainte-Catherine'], ['ZIP_CODE', '33000'], ['GPE', 'Bordeaux'], ['DATE_TIME', '10/10']),
  c("help me respond to this customer: 'I'm Zainab Bello, my phone is 0803 555 2210, the blender arrived broken'", ['PERSON', 'Zainab Bello'], ['PHONE_NUMBER', '0803 555 2210']),
  c('need to update billing address to 12 Residency Road, Bengaluru 560025 for account 99812', ['STREET_ADDRESS', '12 Residency Road'], ['GPE', 'Bengaluru'], ['ZIP_CODE', '560025']),
  c('why was my Uber account banned, the email on it is marta.kowal88@gmail.com', ['ORGANIZATION', 'Uber'], ['EMAIL_ADDRESS', 'marta.kowal88@gmail.com']),
  c('support ticket from Hamid Karimi (hkarimi@tehranweb.ir) says the app crashes on login since v2.4.1', ['PERSON', 'Hamid Karimi'], ['EMAIL_ADDRESS', 'hkarimi@tehranweb.ir']),
  c("reply to this review: 'Terrible service at your Pune branch, waited 45 min for a coffee' - Deepa S.", ['GPE', 'Pune'], ['PERSON', 'Deepa S.']),
  c('my router admin page is at 192.168.0.1 and the default pass admin123 doesnt work anymore', ['IP_ADDRESS', '192.168.0.1'], ['SECRET', 'admin123']),
  c('Gustavo from uber left his phone in my car, the lock screen says +55 11 95555-4321, how do i return it', ['PERSON', 'Gustavo'], ['ORGANIZATION', 'uber'], ['PHONE_NUMBER', '+55 11 95555-4321']),
  c('return label says: Olivia Brooks, 77 Harbour View Rd, Auckland 1010, New Zealand. can I drop it at any post office', ['PERSON', 'Olivia Brooks'], ['STREET_ADDRESS', '77 Harbour View Rd'], ['GPE', 'Auckland'], ['ZIP_CODE', '1010'], ['GPE', 'New Zealand']),

  // Code, logs and secrets
  c("why does this fail\n```\nconst openai = new OpenAI({ apiKey: 'sk-proj-4fQ9xL2mT7vR1bN8kP3sW6yZ0cH5jD' })\n```\nit says 401", ['SECRET', 'sk-proj-4fQ9xL2mT7vR1bN8kP3sW6yZ0cH5jD']),
  c('git push keeps asking for password, i set GITHUB_TOKEN=ghp_7Hq2LmX9pR4tV1kN8sB3wY6zC0dF5gJ2aE7u in .bashrc', ['SECRET', 'ghp_7Hq2LmX9pR4tV1kN8sB3wY6zC0dF5gJ2aE7u']),
  c('aws cli error: The security token included in the request is invalid. my config has aws_access_key_id = AKIAZ4QW7RT2LMX9PB3K', ['SECRET', 'AKIAZ4QW7RT2LMX9PB3K']),
  c('slack bot not posting, token xoxb-2847561930-5839201746-Qw8ErT6yUi4OpAs2DfGh1Jk9 what scope do i need', ['SECRET', 'xoxb-2847561930-5839201746-Qw8ErT6yUi4OpAs2DfGh1Jk9'], ['ORGANIZATION', 'slack']),
  c('nginx log: 203.0.113.47 - - [12/Mar/2025:08:14:22 +0000] "GET /api/users/4821 HTTP/1.1" 500 why 500?', ['IP_ADDRESS', '203.0.113.47'], ['DATE_TIME', '12/Mar/2025:08:14:22 +0000']),
  c('ssh: connect to host 10.0.4.23 port 22: Connection timed out, what do I check', ['IP_ADDRESS', '10.0.4.23']),
  c('Traceback (most recent call last):\n  File "/home/kwame/projects/api/app.py", line 42, in <module>\n    conn = psycopg2.connect(host=\'192.168.1.50\', password=\'Wint3r!sComing\')\npsycopg2.OperationalError: FATAL: password authentication failed for user "kwame"', ['PERSON', 'kwame'], ['IP_ADDRESS', '192.168.1.50'], ['SECRET', 'Wint3r!sComing'], ['PERSON', 'kwame', 2]),
  c('my docker-compose has POSTGRES_PASSWORD=s3cr3tP@ss2024 is that bad practice', ['SECRET', 's3cr3tP@ss2024']),
  c("fix my curl: curl -H 'Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiI0MjEifQ.kR7tQ2mZ9xV1bN4pL8sW3yC6' https://api.tallyhq.com/v2/invoices", ['SECRET', 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiI0MjEifQ.kR7tQ2mZ9xV1bN4pL8sW3yC6'], ['DOMAIN_NAME', 'https://api.tallyhq.com/v2/invoices']),
  c('IPv6 question: is fe80::1c2b:3aff:fe4d:9e01 a link local address? and what about 2001:db8:85a3::8a2e:370:7334', ['IP_ADDRESS', 'fe80::1c2b:3aff:fe4d:9e01'], ['IP_ADDRESS', '2001:db8:85a3::8a2e:370:7334']),
  c('Stripe webhook failing, my key sk_live_51Hx9TqL2mR8vN4pK7sW1yZ3cQ is in the env, logs show 400', ['ORGANIZATION', 'Stripe'], ['SECRET', 'sk_live_51Hx9TqL2mR8vN4pK7sW1yZ3cQ']),
  c('2025-01-14 03:22:17 ERROR [worker-3] Failed to send mail to leila.moradi@parsmail.com: SMTP 550 mailbox unavailable', ['DATE_TIME', '2025-01-14 03:22:17'], ['EMAIL_ADDRESS', 'leila.moradi@parsmail.com']),
  c('regex to validate emails like test.user+tag@sub.example.org in JS?', ['EMAIL_ADDRESS', 'test.user+tag@sub.example.org']),
  c("why does my React app show 'Failed to fetch' when calling the backend at 172.16.0.12 on port 8080", ['IP_ADDRESS', '172.16.0.12']),
  c('my .env:\nDATABASE_URL=postgres://admin:Qz8!mPl2@db.internal.acme-corp.net:5432/prod\nSENDGRID_API_KEY=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\nshould this be in git', ['SECRET', 'Qz8!mPl2'], ['DOMAIN_NAME', 'db.internal.acme-corp.net'], ['SECRET', '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']),
  c('kubectl logs shows: dial tcp 10.96.0.10:53: i/o timeout, coredns maybe?', ['IP_ADDRESS', '10.96.0.10']),
  c('Error: connect ECONNREFUSED 127.0.0.1:6379 when starting the worker, redis is installed', ['IP_ADDRESS', '127.0.0.1']),
  c('what does this log line mean: Jun 03 14:02:11 web01 sshd[2231]: Failed password for invalid user oracle from 185.220.101.34 port 51234 ssh2', ['DATE_TIME', 'Jun 03 14:02:11'], ['IP_ADDRESS', '185.220.101.34']),
  c('git log shows\nAuthor: Mateusz Wróbel <mateusz.wrobel@kodera.pl>\nDate:   Tue Apr 8 11:23:45 2025 +0200\nhow do i change the author of that commit', ['PERSON', 'Mateusz Wróbel'], ['EMAIL_ADDRESS', 'mateusz.wrobel@kodera.pl'], ['DATE_TIME', 'Tue Apr 8 11:23:45 2025 +0200']),
  c('my google maps api key AIzaSyD4kX9mQ2rT7vL1nP8sW3bY6zC0hJ5fG2a keeps getting quota exceeded', ['SECRET', 'AIzaSyD4kX9mQ2rT7vL1nP8sW3bY6zC0hJ5fG2a'], ['ORGANIZATION', 'google']),
  c('JSON: {"name": "Siddharth Rao", "email": "sid.rao@protonmail.com", "phone": "+91 98201 55314"} how to parse this in python', ['PERSON', 'Siddharth Rao'], ['EMAIL_ADDRESS', 'sid.rao@protonmail.com'], ['PHONE_NUMBER', '+91 98201 55314']),
  c("SELECT * FROM users WHERE email = 'h.yilmaz@firma.com.tr' returns nothing but the row exists", ['EMAIL_ADDRESS', 'h.yilmaz@firma.com.tr']),
  c('the npm token in my CI is npm_Xk29LpQm7Rt4Vn8Ws1Yb3Zc6Hd0Jf5Ga2Eu8q, how do i rotate it', ['SECRET', 'npm_Xk29LpQm7Rt4Vn8Ws1Yb3Zc6Hd0Jf5Ga2Eu8q']),
  c('my wifi password is mango-Tree-4471, how do i share it with a QR code', ['SECRET', 'mango-Tree-4471']),
  c('fetch("https://hooks.slack.com/services/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") returns 404 now', ['SECRET', 'https://hooks.slack.com/services/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']),
  c('[2024-11-30T22:41:09Z] WARN auth: too many attempts for user priya.n@veltra.in from 2a02:8109:b6c0:1a00::4f', ['DATE_TIME', '2024-11-30T22:41:09Z'], ['EMAIL_ADDRESS', 'priya.n@veltra.in'], ['IP_ADDRESS', '2a02:8109:b6c0:1a00::4f']),
  c('is it safe to put my openai key sk-9TqW2xLm4RkP7vN1sB8yZ3cH6jD0fG5a in a public github repo if its private later', ['SECRET', 'sk-9TqW2xLm4RkP7vN1sB8yZ3cH6jD0fG5a'], ['ORGANIZATION', 'openai'], ['ORGANIZATION', 'github']),
  c('unit test fails: expected "Hello, Ming" but got "Hello, undefined", code is `greet(user.firstName)`', ['PERSON', 'Ming']),
  c('curl https://api.github.com/repos/okafor-dev/ledger/issues returns 403 rate limited, from ip 41.58.112.9', ['DOMAIN_NAME', 'https://api.github.com/repos/okafor-dev/ledger/issues'], ['IP_ADDRESS', '41.58.112.9']),

  // Cards, bank accounts, SSNs
  c('can you check if this card number is valid 4526 0181 5908 3012 exp 08/27 cvv 153', ['CREDIT_CARD', '4526 0181 5908 3012'], ['DATE_TIME', '08/27'], ['SECRET', '153']),
  c('my IBAN is GB14 NWBK 9746 5075 2917 03, is that the right format for receiving a transfer from Germany', ['IBAN_CODE', 'GB14 NWBK 9746 5075 2917 03'], ['GPE', 'Germany']),
  c('send €300 to DE11 4236 6712 7684 2684 65, account holder Jan Becker, reference rent', ['IBAN_CODE', 'DE11 4236 6712 7684 2684 65'], ['PERSON', 'Jan Becker']),
  c('filling my W-4, my SSN is 287-65-4320 and my spouse is 391-22-8765, do we file jointly', ['US_SSN', '287-65-4320'], ['US_SSN', '391-22-8765']),
  c('someone used my amex 3778 657975 43239 in Miami on 5/2, how do i dispute it', ['CREDIT_CARD', '3778 657975 43239'], ['GPE', 'Miami'], ['DATE_TIME', '5/2']),
  c('pay my contractor in France: FR83 6321 2233 0792 4402 6859 952, name Lucie Martin', ['GPE', 'France'], ['IBAN_CODE', 'FR83 6321 2233 0792 4402 6859 952'], ['PERSON', 'Lucie Martin']),
  c('transfer to NL43RABO9010928159 failed, the bank says invalid BIC', ['IBAN_CODE', 'NL43RABO9010928159']),
  c('how do I budget on a $52,000 salary in Denver with $1,850 rent', ['GPE', 'Denver']),
  c('my credit card 6011 1948 7574 9116 was declined at the pharmacy even though i have a $2k limit', ['CREDIT_CARD', '6011 1948 7574 9116']),
  c('wire details: beneficiary Anh Tran, IBAN PL67 0139 6245 9571 1777 7412 1547, bank PKO BP', ['PERSON', 'Anh Tran'], ['IBAN_CODE', 'PL67 0139 6245 9571 1777 7412 1547'], ['ORGANIZATION', 'PKO BP']),
  c('tax question, freelancing in Ohio, SSN 455-81-2076, made about 60k in 2024', ['GPE', 'Ohio'], ['US_SSN', '455-81-2076'], ['DATE_TIME', '2024']),
  c('is it safe to give my card 4810 0339 0757 9380 to a website called cheap-flights-now.biz', ['CREDIT_CARD', '4810 0339 0757 9380'], ['DOMAIN_NAME', 'cheap-flights-now.biz']),
  c('my account in Italy is IT06 X280 3852 8084 1485 2538 885, can i get my salary from Spain paid there', ['GPE', 'Italy'], ['IBAN_CODE', 'IT06 X280 3852 8084 1485 2538 885'], ['GPE', 'Spain']),
  c("my mastercard 5174 2180 9679 2905 got charged $39.99 by 'NFLX*DIGITAL' what is that", ['CREDIT_CARD', '5174 2180 9679 2905']),
  c('loan application asks for DOB and SSN, mine are 04/17/1990 and 623-40-1189, is it normal for a site to ask', ['DATE_TIME', '04/17/1990'], ['US_SSN', '623-40-1189']),
  c('card 4661318609139090 keeps failing on checkout, error code 51', ['CREDIT_CARD', '4661318609139090']),
  c('split the bill: I paid 4862 5276 0189 5551 for dinner with Tariq and Farah, $186 total', ['CREDIT_CARD', '4862 5276 0189 5551'], ['PERSON', 'Tariq'], ['PERSON', 'Farah']),
  c('my ssn is 219 44 7302 do i need it to open a bank account at Chase', ['US_SSN', '219 44 7302'], ['ORGANIZATION', 'Chase']),

  // Names from many places, several entities, other languages
  c('my name is Chukwuemeka Obi, 29, living in Abuja, and i want to move to Canada as a software engineer', ['PERSON', 'Chukwuemeka Obi'], ['AGE', '29'], ['GPE', 'Abuja'], ['GPE', 'Canada'], ['TITLE', 'software engineer']),
  c('who should i invite: Zhang Wei, Priya Nair, Olga Petrenko and Mehmet Öztürk', ['PERSON', 'Zhang Wei'], ['PERSON', 'Priya Nair'], ['PERSON', 'Olga Petrenko'], ['PERSON', 'Mehmet Öztürk']),
  c('my friend xiao ming keeps borrowing money, how do i say no nicely', ['PERSON', 'xiao ming']),
  c('write a wedding speech for my brother Vikram and his bride Sunita, they met at IIT Delhi in 2015', ['PERSON', 'Vikram'], ['PERSON', 'Sunita'], ['ORGANIZATION', 'IIT Delhi'], ['DATE_TIME', '2015']),
  c('Santiago Ramírez Cárdenas, born 12 de marzo de 1994 in Bogotá. help me fill a visa form', ['PERSON', 'Santiago Ramírez Cárdenas'], ['DATE_TIME', '12 de marzo de 1994'], ['GPE', 'Bogotá']),
  c('rappel: rendez-vous avec Mme Dubois le 15 mars à 10h, 3 place Bellecour, 69002 Lyon', ['TITLE', 'Mme'], ['PERSON', 'Dubois'], ['DATE_TIME', '15 mars'], ['DATE_TIME', '10h'], ['STREET_ADDRESS', '3 place Bellecour'], ['ZIP_CODE', '69002'], ['GPE', 'Lyon']),
  c('Hola, soy María José Fernández, tengo 31 años y vivo en Sevilla, ¿me ayudas con mi CV?', ['PERSON', 'María José Fernández'], ['AGE', '31'], ['GPE', 'Sevilla']),
  c('Cześć, jestem Paweł Dąbrowski, mój numer to +48 601 234 567, potrzebuję pomocy z CV', ['PERSON', 'Paweł Dąbrowski'], ['PHONE_NUMBER', '+48 601 234 567']),
  c('Xin chào, tôi là Phạm Văn Đức, sống ở Đà Nẵng, số điện thoại 0905 123 456', ['PERSON', 'Phạm Văn Đức'], ['GPE', 'Đà Nẵng'], ['PHONE_NUMBER', '0905 123 456']),
  c('我叫李明, 电话 138 0013 8000, 住在上海', ['PERSON', '李明'], ['PHONE_NUMBER', '138 0013 8000'], ['GPE', '上海']),
  c('مرحبا، اسمي أحمد منصور وأسكن في القاهرة', ['PERSON', 'أحمد منصور'], ['GPE', 'القاهرة']),
  c('Ich heiße Lena Fischer, wohne in der Schillerstraße 23, 80336 München, Tel. 0151 23456789', ['PERSON', 'Lena Fischer'], ['STREET_ADDRESS', 'Schillerstraße 23'], ['ZIP_CODE', '80336'], ['GPE', 'München'], ['PHONE_NUMBER', '0151 23456789']),
  c("tell me about the surname Nakamura, my girlfriend Yuki Nakamura says it means 'middle village'", ['PERSON', 'Yuki Nakamura']),
  c('plan a party for my husband Dev, he is turning 40, at our place 27 Oakwood Drive, Edison NJ 08817 on Saturday June 14', ['PERSON', 'Dev'], ['AGE', '40'], ['STREET_ADDRESS', '27 Oakwood Drive'], ['GPE', 'Edison'], ['GPE', 'NJ'], ['ZIP_CODE', '08817'], ['DATE_TIME', 'Saturday June 14']),
  c('Write a eulogy for my grandfather, Rev. Samuel Mensah, who served the Methodist church in Kumasi for 40 years', ['TITLE', 'Rev.'], ['PERSON', 'Samuel Mensah'], ['NRP', 'Methodist'], ['GPE', 'Kumasi']),
  c("my son's coach, Mr. Dimitrios Papadakis, yelled at the kids, how do i complain to the club", ['TITLE', 'coach'], ['TITLE', 'Mr.'], ['PERSON', 'Dimitrios Papadakis']),
  c('as a Sikh man in the army can i keep my turban, im stationed in Texas', ['NRP', 'Sikh'], ['GPE', 'Texas']),
  c('gift ideas for a Catholic baptism, the baby is Isabella Rossi', ['NRP', 'Catholic'], ['PERSON', 'Isabella Rossi']),
  c("my mother-in-law Mrs. Gupta visits from Jaipur on 2nd Nov, she's vegetarian, suggest a menu", ['TITLE', 'Mrs.'], ['PERSON', 'Gupta'], ['GPE', 'Jaipur'], ['DATE_TIME', '2nd Nov']),
  c('remind me: call Oksana at 9am, pay rent to Mr Haddad, pick up Yusuf from school at 3:30', ['PERSON', 'Oksana'], ['DATE_TIME', '9am'], ['TITLE', 'Mr'], ['PERSON', 'Haddad'], ['PERSON', 'Yusuf'], ['DATE_TIME', '3:30']),
  c('convert this to a table: Ahmed Siddiqui 42 Karachi, Fatima Noor 37 Lahore, Bilal Khan 29 Islamabad', ['PERSON', 'Ahmed Siddiqui'], ['AGE', '42'], ['GPE', 'Karachi'], ['PERSON', 'Fatima Noor'], ['AGE', '37'], ['GPE', 'Lahore'], ['PERSON', 'Bilal Khan'], ['AGE', '29'], ['GPE', 'Islamabad']),
  c("My daughter Chiamaka got into Imperial College London, we're Nigerian, what visa does she need", ['PERSON', 'Chiamaka'], ['ORGANIZATION', 'Imperial College London'], ['NRP', 'Nigerian']),
  c('my colleague from Hyderabad, Srinivas Reddy, asked me to cover for him on 23 Dec', ['GPE', 'Hyderabad'], ['PERSON', 'Srinivas Reddy'], ['DATE_TIME', '23 Dec']),
  c("i live at 1207 Birchwood Ct, Austin TX 78745 and my neighbor's dog barks all night, what can i do", ['STREET_ADDRESS', '1207 Birchwood Ct'], ['GPE', 'Austin'], ['GPE', 'TX'], ['ZIP_CODE', '78745']),
  c('ask Dr. Ifeoma Chukwu if the results from Lagos University Teaching Hospital came in, her email is ifeoma.chukwu@luth.edu.ng', ['TITLE', 'Dr.'], ['PERSON', 'Ifeoma Chukwu'], ['ORGANIZATION', 'Lagos University Teaching Hospital'], ['EMAIL_ADDRESS', 'ifeoma.chukwu@luth.edu.ng']),
  c('contact list: Hoang Anh - 0912 345 678, Tuan Kiet - 0987 654 321', ['PERSON', 'Hoang Anh'], ['PHONE_NUMBER', '0912 345 678'], ['PERSON', 'Tuan Kiet'], ['PHONE_NUMBER', '0987 654 321']),
  c('my mum is 58 and lives alone in Birmingham, what smart home stuff can I set up from London', ['AGE', '58'], ['GPE', 'Birmingham'], ['GPE', 'London']),
  c('i met a guy called Kofi Annan at the bar lol not that one', ['PERSON', 'Kofi Annan']),
  c('Abuelo Ramón turns 80 on 9 de agosto, ideas for a party in Guadalajara', ['PERSON', 'Ramón'], ['AGE', '80'], ['DATE_TIME', '9 de agosto'], ['GPE', 'Guadalajara']),
  c('the flat I am viewing is ul. Marszałkowska 14, 00-626 Warszawa, landlord Krzysztof Zając, tel 512 345 678', ['STREET_ADDRESS', 'ul. Marszałkowska 14'], ['ZIP_CODE', '00-626'], ['GPE', 'Warszawa'], ['PERSON', 'Krzysztof Zając'], ['PHONE_NUMBER', '512 345 678']),
  c('Son Heung-min or Haaland for my fantasy team this week?', ['PERSON', 'Son Heung-min'], ['PERSON', 'Haaland']),
  c('set a reminder: dentist 12th January 9:40, vet for Biscuit later that week', ['DATE_TIME', '12th January 9:40']),
  c('my lease at 500 W 42nd St ends on 31 Jan 2026, should i renew or move to Jersey City', ['STREET_ADDRESS', '500 W 42nd St'], ['DATE_TIME', '31 Jan 2026'], ['GPE', 'Jersey City']),
  c('I was born on 29 February 1996, how many real birthdays have I had', ['DATE_TIME', '29 February 1996']),
  c('Schedule: Mon 7/14 call w/ Rohan 11am PST, Tue 7/15 flight to Seattle', ['DATE_TIME', 'Mon 7/14'], ['PERSON', 'Rohan'], ['DATE_TIME', '11am PST'], ['DATE_TIME', 'Tue 7/15'], ['GPE', 'Seattle']),
  c('hey can you help me write a msg to ahmad saying sorry i missed his wedding in amman, i was sick', ['PERSON', 'ahmad'], ['GPE', 'amman']),
  c('my sister Małgorzata lives in Gdańsk and my brother Łukasz in Wrocław, where should we meet halfway', ['PERSON', 'Małgorzata'], ['GPE', 'Gdańsk'], ['PERSON', 'Łukasz'], ['GPE', 'Wrocław']),
  c('what does the name Oluwadamilare mean, my nephew is called that', ['PERSON', 'Oluwadamilare']),
  c('fill this form for me: Name Aarav Sharma, DOB 14/08/2001, Address 45 MG Road, Pune 411001, Mobile +91 91234 56780', ['PERSON', 'Aarav Sharma'], ['DATE_TIME', '14/08/2001'], ['STREET_ADDRESS', '45 MG Road'], ['GPE', 'Pune'], ['ZIP_CODE', '411001'], ['PHONE_NUMBER', '+91 91234 56780']),
  c('Is it rude to call my boss by her first name? she is Ms. Okafor, the Head of Operations', ['TITLE', 'Ms.'], ['PERSON', 'Okafor'], ['TITLE', 'Head of Operations']),
  c('im voting in the Republican primary in Georgia on May 20, how do i find my polling place', ['NRP', 'Republican'], ['GPE', 'Georgia'], ['DATE_TIME', 'May 20']),
  c('im 23 and a Buddhist, my parents in Colombo want me to marry soon, how do i talk to them', ['AGE', '23'], ['NRP', 'Buddhist'], ['GPE', 'Colombo']),
  c('lost my wallet near Alexanderplatz, my ID says Jonas Weber, born 03.05.1988, Kastanienallee 9, 10435 Berlin', ['PERSON', 'Jonas Weber'], ['DATE_TIME', '03.05.1988'], ['STREET_ADDRESS', 'Kastanienallee 9'], ['ZIP_CODE', '10435'], ['GPE', 'Berlin']),
  c('whats a good reply to Hyun-woo he texted me at 2am saying he misses me', ['PERSON', 'Hyun-woo'], ['DATE_TIME', '2am']),
  c('my number in france is 06 12 48 73 95 and in the uk +44 7700 900218, which should i put on the form', ['GPE', 'france'], ['PHONE_NUMBER', '06 12 48 73 95'], ['GPE', 'uk'], ['PHONE_NUMBER', '+44 7700 900218']),
  c('i think my ex Dmitri is using my netflix, his email was d.volkov91@mail.ru', ['PERSON', 'Dmitri'], ['EMAIL_ADDRESS', 'd.volkov91@mail.ru'], ['ORGANIZATION', 'netflix']),
  c('draft a tweet: congrats to our intern Kavya Menon for winning the hackathon at University of Toronto!', ['TITLE', 'intern'], ['PERSON', 'Kavya Menon'], ['ORGANIZATION', 'University of Toronto']),
  c('call me on 415 555 0199 after 6:30pm, or text, whatever', ['PHONE_NUMBER', '415 555 0199'], ['DATE_TIME', '6:30pm']),
  c('My SSN 078-31-4425 was in the Equifax breach?? what do i do now', ['US_SSN', '078-31-4425'], ['ORGANIZATION', 'Equifax']),
  c('website for my bakery: www.crumbandcoil.com, owner Fernanda Oliveira, Rua Augusta 1500, São Paulo', ['DOMAIN_NAME', 'www.crumbandcoil.com'], ['TITLE', 'owner'], ['PERSON', 'Fernanda Oliveira'], ['STREET_ADDRESS', 'Rua Augusta 1500'], ['GPE', 'São Paulo']),
  c('how do i say no to my MIL, Mrs. Chen, when she wants to stay 2 months', ['TITLE', 'Mrs.'], ['PERSON', 'Chen']),
  c('help me apologise to Prof Kowalski for submitting the essay late on 12/05, I was in hospital', ['TITLE', 'Prof'], ['PERSON', 'Kowalski'], ['DATE_TIME', '12/05']),
  c('I am Vietnamese and my husband is Australian, what passport will our baby get if born in Singapore', ['NRP', 'Vietnamese'], ['NRP', 'Australian'], ['GPE', 'Singapore']),
  c('yo can u check this link for scams https://secure-paypa1-login.net/verify?id=88213', ['DOMAIN_NAME', 'https://secure-paypa1-login.net/verify?id=88213']),
  c('my brother is 17 and wants to join the army in Kenya, what is the minimum age', ['AGE', '17'], ['GPE', 'Kenya']),

  c('Bob Dylan style lyrics about a rainy commute', ['PERSON', 'Bob Dylan']),

  // No personal data at all
  c('May I ask how photosynthesis works in simple terms?'),
  c('Python or JavaScript for a first language?'),
  c('React vs Vue for a small dashboard, which would you pick'),
  c('what is 17 * 23 + 4'),
  c('Update to version 1.2.3 broke my build, how do I pin 1.2.2 in package.json'),
  c('the iPhone 15 Pro costs $999, is the 128 GB enough for photos'),
  c('What happened in 1066? my history exam is soon'),
  c('Monday mornings are the worst, give me a motivational quote'),
  c('My cat is called March because we adopted him in spring, suggest a name for his sister'),
  c("order 250 units at $3.40 each, what's the total with 8% tax"),
  c('explain big O of quicksort vs mergesort'),
  c('Write a haiku about autumn rain'),
  c('convert 72 fahrenheit to celsius'),
  c('how do i center a div in CSS'),
  c('Is 1.5.0-beta.2 newer than 1.5.0 according to semver?'),
  c("What's the difference between TCP and UDP"),
  c('Rust borrow checker error E0502 what does it mean'),
  c('give me a 3 day workout plan, no equipment'),
  c('Excel formula to sum column B if column A says Yes'),
  c('i need 12 eggs 2 cups flour and 1.5 tsp salt, scale the recipe for 3 people'),
  c('Summer Sale banner text for a shoe store, 30% off everything'),
  c('is a 401(k) better than a Roth account for someone just starting?'),
  c('solve x^2 - 5x + 6 = 0'),
  c('what does HTTP 429 Too Many Requests mean'),
  c('Docker container exits with code 137, why'),
  c('Best practices for naming branches in Git?'),
  c("Translate 'good morning, how are you' to Spanish"),
  c('What is the capital letter rule for German nouns?'),
  c('Is a 55 inch TV for 399 a good price'),
  c("Kindly explain recursion like I'm five"),
  c('April Fools prank ideas that are harmless'),
  c('my sourdough starter smells like acetone, is it dead'),
  c('write a SQL query to get the top 5 customers by revenue'),
  c('how many calories in 2 slices of pizza'),
  c('node v20.11.1 vs v22, should I upgrade'),
  c('explain the difference between let, const and var'),
  c('Apple pie recipe without cinnamon'),
  c('Jupyter notebook kernel keeps dying with pandas 2.2.0'),
  c("Chapter 3 summary please, I'm behind on reading"),
  c('Grace period for a late payment is usually how many days?'),
  c('Will it rain if the pressure drops to 990 hPa?'),
  c('Mark the following as done: buy milk, fix bike, email recap'),
  c('Faith vs reason, give me arguments for a debate'),
  c('Page 404 of my thesis has a broken table, how do I fix LaTeX tabular'),
  c('Is 0.1 + 0.2 == 0.3 false in every language?'),
  c('generate 10 random 4-digit numbers for a raffle'),
  c("what's the time complexity of binary search on 1,000,000 items"),
  c('Tell me a joke about programmers'),
  c('Hope you can help, my tomato plants have yellow leaves'),
  c('Rose or lavender for a small balcony garden?'),
  c('Max heap vs min heap, with an example in Java'),
  c('Can a 3/4 time signature be used in pop songs'),
  c('aspect ratio is 16:9, what width is that at 1440 height'),
  c('Dear diary, today was long. No one called.'),
  c('phone screen cracked, is repair worth it for a 3 year old phone'),
  c('ISO 8601 format example for a date and time?'),
  c('how to write unit tests with vitest and mock fetch'),
  c('React useEffect runs twice in StrictMode, is that a bug'),
  c('Summarise: quarterly numbers rose 4.7% to 12.3 million units, beating estimates of 11.9 million.'),
  c('npm ERR! code ERESOLVE unable to resolve dependency tree, peer react@"^18.2.0"'),
  c('Sterling silver vs 925 silver, what is the difference'),
  c('in the May release notes they mention a new Sprint Planning view, how do I turn it on'),
  c('TypeError: Cannot read properties of undefined (reading "map") at App.jsx:27:15'),
  c('if a train leaves at 60 mph and another at 75 mph, 300 miles apart, when do they meet'),
];
