import type { ChatEntityType, ChatSample } from './chat-set.js';

/**
 * A held-out chat-style test set: 150 messages typed to an AI assistant (support chats, medical,
 * legal and financial questions, travel, HR, school, code and logs, letters to draft, pasted
 * spreadsheets, several languages, texting), with the personal data in them marked. Written for
 * this project: every text and every value is invented here (no external source), so it is under
 * the project's licence. Cards pass Luhn, IBANs pass mod-97, SSNs avoid the 000, 666 and 9xx
 * areas; phone numbers, emails, keys and addresses are made up.
 *
 * It is used only to measure. The engine's rules must never be changed by reading its errors
 * (the scorer prints figures, never individual errors); tune on the dev set and on `chat-set.ts`.
 * Score it with `node bin/run-ts.js bench/pii/holdout-score.ts`.
 *
 * The format and the annotation conventions are those written at the top of `chat-set.ts`: each
 * entity is a `value` that occurs verbatim in `text` and marks its `occurrence`-th exact
 * occurrence (1-based, default the first).
 */

type E = [ChatEntityType, string] | [ChatEntityType, string, number];
const c = (text: string, ...entities: E[]): ChatSample => ({
  text,
  entities: entities.map(([type, value, occurrence]) => (occurrence === undefined ? { type, value } : { type, value, occurrence })),
});

export const CHAT_HOLDOUT: ChatSample[] = [
  // Customer support
  c('hi, my order never arrived. name on the account is Chiamaka Obi, email chiamaka.obi88@mailbox.ng, delivery to 14 Adeola Odeku Street, Victoria Island, Lagos. can you write a complaint to Jumia for me?',
    ['PERSON', 'Chiamaka Obi'], ['EMAIL_ADDRESS', 'chiamaka.obi88@mailbox.ng'], ['STREET_ADDRESS', '14 Adeola Odeku Street'], ['GPE', 'Lagos'], ['ORGANIZATION', 'Jumia']),
  c('Draft a reply to a customer: Mr. Haruto Sato says his Nintendo Switch stopped charging after 2 weeks. Offer a replacement, his ticket is #HX-44821, reach him at +81 90-4417-2306.',
    ['TITLE', 'Mr.'], ['PERSON', 'Haruto Sato'], ['PHONE_NUMBER', '+81 90-4417-2306']),
  c('my netflix got charged twice on 11/02 to my card 4539 8716 2034 5583, how do i dispute it with my bank (Wells Fargo)?',
    ['ORGANIZATION', 'netflix'], ['DATE_TIME', '11/02'], ['CREDIT_CARD', '4539 8716 2034 5583'], ['ORGANIZATION', 'Wells Fargo']),
  c('Can you help me write to Vodafone? Im Magdalena Kowalczyk, account holder since 2017, my number is +48 512 847 309 and they keep billing me for roaming in Germany although I never left Kraków.',
    ['ORGANIZATION', 'Vodafone'], ['PERSON', 'Magdalena Kowalczyk'], ['DATE_TIME', '2017'], ['PHONE_NUMBER', '+48 512 847 309'], ['GPE', 'Germany'], ['GPE', 'Kraków']),
  c("customer wrote: 'hello my name is Nguyen Van Thanh, I paid for the premium plan but the app still shows free. my email thanh.nv.1990@gmail.com'. how should support answer him politely?",
    ['PERSON', 'Nguyen Van Thanh'], ['EMAIL_ADDRESS', 'thanh.nv.1990@gmail.com']),
  c('Write a short apology email to Ms. Aisha Al-Farsi, our guest at the Hilton Dubai Marina who found her room not cleaned on Saturday 8 March. Sign it as Tomás Ferreira, Front Office Manager.',
    ['TITLE', 'Ms.'], ['PERSON', 'Aisha Al-Farsi'], ['ORGANIZATION', 'Hilton Dubai Marina'], ['DATE_TIME', 'Saturday 8 March'], ['PERSON', 'Tomás Ferreira'], ['TITLE', 'Front Office Manager']),
  c('the refund to IBAN DE44 5001 0517 5407 3249 31 still hasnt come, its been 3 weeks. account owner Jonas Becker. what can i say to the Zalando chat?',
    ['IBAN_CODE', 'DE44 5001 0517 5407 3249 31'], ['PERSON', 'Jonas Becker'], ['ORGANIZATION', 'Zalando']),
  c('I got an email saying my Amazon account is locked and to call 1-888-204-7731. they asked for my card number 6011 6372 9018 4426 which I already gave them. is that a scam??',
    ['ORGANIZATION', 'Amazon'], ['PHONE_NUMBER', '1-888-204-7731'], ['CREDIT_CARD', '6011 6372 9018 4426']),
  c('pls help me complain abt airtel, they deducted 499 rupees from my prepaid 98450 21736 without any recharge. i live in Bengaluru',
    ['ORGANIZATION', 'airtel'], ['PHONE_NUMBER', '98450 21736'], ['GPE', 'Bengaluru']),
  c("Translate to polite English: 'Hola, soy Valentina Ruiz, el pedido 55-2981 llegó roto. Quiero la devolución a mi tarjeta terminada en 8812.'",
    ['PERSON', 'Valentina Ruiz']),
  c("What's a good way to respond to a customer who says our Premium Plus plan is 'not worth $29.99'? Keep it friendly and mention the 14-day trial."),
  c('My flight with Turkish Airlines TK1984 was cancelled and I had to pay for a hotel in Istanbul with my amex 3784 192057 73118. Booking ref QW7HZP, passenger Emre Yıldız. How much compensation can I claim under EU261?',
    ['ORGANIZATION', 'Turkish Airlines'], ['GPE', 'Istanbul'], ['CREDIT_CARD', '3784 192057 73118'], ['PERSON', 'Emre Yıldız']),
  c("Rewrite this so it sounds less angry: 'Third time I call your hotline. Customer number 7781-22, name Sofia Colombo, Via Garibaldi 21, 10122 Torino. FIX MY INTERNET.'",
    ['PERSON', 'Sofia Colombo'], ['STREET_ADDRESS', 'Via Garibaldi 21'], ['ZIP_CODE', '10122'], ['GPE', 'Torino']),
  c('hey so the guy at Best Buy (Dylan i think) said my warranty ends 15 june, can i still get the battery replaced for free',
    ['ORGANIZATION', 'Best Buy'], ['PERSON', 'Dylan'], ['DATE_TIME', '15 june']),
  c("Customer asks: 'Does the X200 support USB-C PD at 65W or only 45W?' Write a clear answer saying 65W works with the bundled cable."),

  // Medical
  c("i'm 52 and my GP Dr. Ravi Menon put me on metformin 500mg twice a day, is it ok to drink a glass of wine on weekends?",
    ['AGE', '52'], ['TITLE', 'GP'], ['TITLE', 'Dr.'], ['PERSON', 'Ravi Menon']),
  c("What is the normal range for TSH and does 4.8 mIU/L count as high? I'm asking generally, no diagnosis needed."),
  c('My daughter Amara is 7 and has had a fever of 39.2 since Tuesday night. Our paediatrician is at Nairobi Hospital. When should I take her to A&E?',
    ['PERSON', 'Amara'], ['AGE', '7'], ['DATE_TIME', 'Tuesday night'], ['ORGANIZATION', 'Nairobi Hospital']),
  c("Summarise this discharge note for my mum in simple words: 'Patient: Lakshmi Iyer, DOB 04/09/1948, admitted 2025-01-17 with NSTEMI, PCI to LAD, discharged on aspirin, ticagrelor, atorvastatin 80mg. Follow-up Dr. Sunita Rao cardiology clinic in 6 weeks.'",
    ['PERSON', 'Lakshmi Iyer'], ['DATE_TIME', '04/09/1948'], ['DATE_TIME', '2025-01-17'], ['TITLE', 'Dr.'], ['PERSON', 'Sunita Rao']),
  c('ich bin 41, habe seit Januar Rückenschmerzen und mein Orthopäde Dr. Klaus Hoffmann in München will eine MRT. Ist das übertrieben?',
    ['AGE', '41'], ['DATE_TIME', 'Januar'], ['TITLE', 'Orthopäde'], ['TITLE', 'Dr.'], ['PERSON', 'Klaus Hoffmann'], ['GPE', 'München']),
  c("Is it safe to take ibuprofen and paracetamol together for a headache? What's the max dose per day for an adult?"),
  c('can u explain my blood test. hba1c 6.1, ldl 3.9, vit d 18. name on the report is Oluwaseun Adeyemi, lab was Synlab in Abuja, sample taken 12 feb 08:40',
    ['PERSON', 'Oluwaseun Adeyemi'], ['ORGANIZATION', 'Synlab'], ['GPE', 'Abuja'], ['DATE_TIME', '12 feb 08:40']),
  c("Write a sick note email to my manager Priya: I have a migraine and won't be in today. I'm Tom.",
    ['TITLE', 'manager'], ['PERSON', 'Priya'], ['PERSON', 'Tom']),
  c("a friend said I might have ADHD. i'm 29, female, work in accounting. what are the next steps for an adult diagnosis in the UK?",
    ['AGE', '29'], ['GPE', 'UK']),
  c("Explain the difference between Type 1 and Type 2 diabetes like I'm five."),
  c('Mi padre, Jorge Ramírez Castillo, tiene 78 años y toma Sintrom. ¿Puede tomar ibuprofeno para el dolor de rodilla? Vivimos en Sevilla.',
    ['PERSON', 'Jorge Ramírez Castillo'], ['AGE', '78'], ['GPE', 'Sevilla']),
  c("booking a dentist appt, can you write a message to Smile Studio asking for a slot on Friday 21st at 4:30pm? my name is Hannah O'Connor, 07700 914 352",
    ['ORGANIZATION', 'Smile Studio'], ['DATE_TIME', 'Friday 21st'], ['DATE_TIME', '4:30pm'], ['PERSON', "Hannah O'Connor"], ['PHONE_NUMBER', '07700 914 352']),
  c('Ma femme Fatou Diop est enceinte de 30 semaines, elle a 34 ans. Le gynécologue de la Clinique Saint-Jean à Dakar dit que la tension est un peu haute. Quels signes doivent nous inquiéter ?',
    ['PERSON', 'Fatou Diop'], ['AGE', '34'], ['ORGANIZATION', 'Clinique Saint-Jean'], ['GPE', 'Dakar']),

  // Legal
  c('Mr. Gary Whitfield is keeping my $1,800 deposit. I moved out of 4417 Elm Grove Dr, Apt 3B, Austin, TX 78745 on January 31. Draft a demand letter.',
    ['TITLE', 'Mr.'], ['PERSON', 'Gary Whitfield'], ['STREET_ADDRESS', '4417 Elm Grove Dr, Apt 3B'], ['GPE', 'Austin'], ['GPE', 'TX'], ['ZIP_CODE', '78745'], ['DATE_TIME', 'January 31']),
  c("What's the difference between a will and a living trust? Which one avoids probate?"),
  c("I was fired 2 days after telling HR I'm pregnant. Company is Brightline Logistics in Manchester, my manager was Kevin Doyle. Do I have a case for discrimination?",
    ['ORGANIZATION', 'Brightline Logistics'], ['GPE', 'Manchester'], ['TITLE', 'manager'], ['PERSON', 'Kevin Doyle']),
  c('Ayúdame a redactar una carta al juzgado. Soy Lucía Fernández Gil, domicilio en Calle de Alcalá 112, 3º B, 28009 Madrid. Para la devolución de tasas, mi cuenta es ES03 0049 1500 0573 1029 8845. Expediente 1123/2024.',
    ['PERSON', 'Lucía Fernández Gil'], ['STREET_ADDRESS', 'Calle de Alcalá 112, 3º B'], ['ZIP_CODE', '28009'], ['GPE', 'Madrid'], ['IBAN_CODE', 'ES03 0049 1500 0573 1029 8845']),
  c("someone's using my SSN 287-46-1935 to open credit cards, what do i do first? i'm in ohio, and my license no. RK482915 was in the same stolen wallet",
    ['US_SSN', '287-46-1935'], ['GPE', 'ohio'], ['US_DRIVER_LICENSE', 'RK482915']),
  c('Can an employer legally require overtime without paying extra? Answer for a general audience.'),
  c("Please check this NDA clause: 'This Agreement is entered into on 3 March 2025 between Kestrel Analytics Ltd, 90 Fenchurch Street, London EC3M 4BY, and Mr. Adebayo Nwachukwu.' Is the effective date clear?",
    ['DATE_TIME', '3 March 2025'], ['ORGANIZATION', 'Kestrel Analytics Ltd'], ['STREET_ADDRESS', '90 Fenchurch Street'], ['GPE', 'London'], ['ZIP_CODE', 'EC3M 4BY'], ['TITLE', 'Mr.'], ['PERSON', 'Adebayo Nwachukwu']),
  c('Mein Nachbar Herr Dieter Krause parkt ständig vor meiner Einfahrt in der Lindenallee 14, 50968 Köln. Was kann ich rechtlich tun?',
    ['TITLE', 'Herr'], ['PERSON', 'Dieter Krause'], ['STREET_ADDRESS', 'Lindenallee 14'], ['ZIP_CODE', '50968'], ['GPE', 'Köln']),
  c('I got a speeding ticket in Ontario, licence is G2, does it affect my insurance with Intact?',
    ['GPE', 'Ontario'], ['ORGANIZATION', 'Intact']),
  c('Write a cease and desist for someone posting my photos. My name: Mei Lin Zhou. The account posting them is @mei_fanpage on Instagram.',
    ['PERSON', 'Mei Lin Zhou'], ['ORGANIZATION', 'Instagram']),

  // Money
  c('wire details for the contractor: Joana Martins, IBAN PT22 0035 0097 0000 5387 2136 4, amount €3,450. write a short payment confirmation email.',
    ['PERSON', 'Joana Martins'], ['IBAN_CODE', 'PT22 0035 0097 0000 5387 2136 4']),
  c('Is it better to pay off a 6.9% car loan or invest in an index fund returning ~7% a year?'),
  c('My credit card 5523-1740-8861-9325 was used in Lisbon while I was home in Toronto. Write the fraud report.',
    ['CREDIT_CARD', '5523-1740-8861-9325'], ['GPE', 'Lisbon'], ['GPE', 'Toronto']),
  c(`Tabelle aus meinem Haushaltsbuch, bitte in Kategorien sortieren:
Datum;Beschreibung;Betrag
02.03.;REWE;-54,20
03.03.;Miete;-980,00
05.03.;Gehalt;+3.210,00`,
    ['DATE_TIME', '02.03.'], ['ORGANIZATION', 'REWE'], ['DATE_TIME', '03.03.'], ['DATE_TIME', '05.03.']),
  c('how do I report crypto gains on my taxes? I sold 0.4 BTC in 2024 for about $26k',
    ['DATE_TIME', '2024']),
  c("I'm a freelancer in Nairobi, clients send money to my number 0722 418 906. how do I register with the Kenya Revenue Authority and file taxes?",
    ['GPE', 'Nairobi'], ['PHONE_NUMBER', '0722 418 906'], ['ORGANIZATION', 'Kenya Revenue Authority']),
  c(`Can you total column C and flag anyone over budget?
Name	Dept	Spend
Li Wei	Marketing	4,210.50
Ana Souza	Sales	3,980.00
Kwame Mensah	Ops	5,120.75
Budget is 4,500 per person.`,
    ['PERSON', 'Li Wei'], ['PERSON', 'Ana Souza'], ['PERSON', 'Kwame Mensah']),
  c('Explain what an ETF expense ratio of 0.03% means on a $10,000 investment over 30 years.'),
  c('Refund me to this account pls: Giulia Moretti, IBAN IT55 K030 6909 6061 0000 0063 218, Banca Intesa. thx',
    ['PERSON', 'Giulia Moretti'], ['IBAN_CODE', 'IT55 K030 6909 6061 0000 0063 218'], ['ORGANIZATION', 'Banca Intesa']),
  c('mój pracodawca przelał pensję na stare konto PL09 1240 1037 1111 0000 4219 6588 w PKO, jak to odkręcić? Nazywam się Piotr Zieliński.',
    ['IBAN_CODE', 'PL09 1240 1037 1111 0000 4219 6588'], ['ORGANIZATION', 'PKO'], ['PERSON', 'Piotr Zieliński']),
  c("Help me split the dinner bill: total €186.40, 5 people, 2 didn't drink wine (wine was €48)."),
  c("Our accountant, Deepika Sharma, needs my W-2 and 1099s by April 10. Write her a quick note saying I'll upload them to the TaxDome portal on Sunday.",
    ['TITLE', 'accountant'], ['PERSON', 'Deepika Sharma'], ['DATE_TIME', 'April 10'], ['ORGANIZATION', 'TaxDome'], ['DATE_TIME', 'Sunday']),
  c("Mon conseiller à la BNP, M. Laurent Girard, m'a proposé une assurance-vie. Frais d'entrée 2 %, c'est normal ?",
    ['TITLE', 'conseiller'], ['ORGANIZATION', 'BNP'], ['TITLE', 'M.'], ['PERSON', 'Laurent Girard']),
  c('paypal sent money to the wrong person: gabriel.santos.rj@hotmail.com instead of gabriel.santos.sp@hotmail.com. how do i get it back?',
    ['ORGANIZATION', 'paypal'], ['EMAIL_ADDRESS', 'gabriel.santos.rj@hotmail.com'], ['EMAIL_ADDRESS', 'gabriel.santos.sp@hotmail.com']),
  c('Invoice footer, make it look cleaner: Atelier Brune SARL / 17 rue des Capucins, 69001 Lyon / IBAN FR14 2004 1010 0505 0001 3M02 606',
    ['ORGANIZATION', 'Atelier Brune SARL'], ['STREET_ADDRESS', '17 rue des Capucins'], ['ZIP_CODE', '69001'], ['GPE', 'Lyon'], ['IBAN_CODE', 'FR14 2004 1010 0505 0001 3M02 606']),

  // Travel
  c('Plan a 4-day trip to Kyoto for me and my wife Yuna, we land at KIX on 2 April at 14:05. Budget around ¥200,000.',
    ['GPE', 'Kyoto'], ['PERSON', 'Yuna'], ['DATE_TIME', '2 April'], ['DATE_TIME', '14:05']),
  c("What's the best time of year to see the northern lights, and how many nights should I plan for?"),
  c('Write an email to Hotel Adlon asking if they can hold our room until 23:00 on 14.06. Reservation under Schmidt, two adults.',
    ['ORGANIZATION', 'Hotel Adlon'], ['DATE_TIME', '23:00'], ['DATE_TIME', '14.06'], ['PERSON', 'Schmidt']),
  c("visa question: i'm Nigerian, 26, passport issued in Abuja, want to visit my sister Ifeoma in Dublin for christmas. what docs do i need",
    ['NRP', 'Nigerian'], ['AGE', '26'], ['GPE', 'Abuja'], ['PERSON', 'Ifeoma'], ['GPE', 'Dublin']),
  c('Voy a Lisboa del 10 al 17 de agosto con mi novio Diego. ¿Qué barrios recomiendas para alojarnos cerca del centro?',
    ['GPE', 'Lisboa'], ['DATE_TIME', '10 al 17 de agosto'], ['PERSON', 'Diego']),
  c('uber driver left with my bag, trip was yesterday 21:40 from Gare du Nord. driver name shown: Karim. my phone +33 6 12 48 77 05',
    ['ORGANIZATION', 'uber'], ['DATE_TIME', '21:40'], ['PERSON', 'Karim'], ['PHONE_NUMBER', '+33 6 12 48 77 05']),
  c('How much time do I need for a connection between two Schengen flights at a big hub?'),
  c('Reisepass verloren in Rom! Ich bin Lena Vogel, geb. 12.11.1993, wohnhaft in Graz. Wie komme ich an einen Notpass bei der Botschaft?',
    ['GPE', 'Rom'], ['PERSON', 'Lena Vogel'], ['DATE_TIME', '12.11.1993'], ['GPE', 'Graz']),
  c("Can you make an itinerary table for our Vietnam trip: Hanoi 3 nights, Ha Long Bay 1 night, Hoi An 3 nights, Ho Chi Minh City 2 nights. We're flying Vietnam Airlines.",
    ['GPE', 'Vietnam'], ['GPE', 'Hanoi'], ['GPE', 'Hoi An'], ['GPE', 'Ho Chi Minh City'], ['ORGANIZATION', 'Vietnam Airlines']),
  c('my airbnb host in Porto (Rui) wants me to pay the cleaning fee in cash, is that allowed?',
    ['ORGANIZATION', 'airbnb'], ['GPE', 'Porto'], ['PERSON', 'Rui']),
  c('Flight AF1234 CDG-JFK got delayed 6h. Passenger: Camille Dubois, email camille.dubois@orange.fr. Write a compensation claim to Air France.',
    ['PERSON', 'Camille Dubois'], ['EMAIL_ADDRESS', 'camille.dubois@orange.fr'], ['ORGANIZATION', 'Air France']),
  c('Convert 37 degrees Celsius to Fahrenheit and 120 km/h to mph.'),

  // Work and HR
  c('Write a job offer letter for Siddharth Kulkarni as Senior Backend Engineer, start date 1 September, salary ₹32 LPA, reporting to Anjali Desai, Head of Platform.',
    ['PERSON', 'Siddharth Kulkarni'], ['TITLE', 'Senior Backend Engineer'], ['DATE_TIME', '1 September'], ['PERSON', 'Anjali Desai'], ['TITLE', 'Head of Platform']),
  c('Give me 10 interview questions for a generalist role at a startup, focused on B2B SaaS.'),
  c("Rewrite my LinkedIn summary: I'm a 38-year-old nurse turned UX researcher, 6 years at Philips, based in Eindhoven, Dutch and Turkish background.",
    ['ORGANIZATION', 'LinkedIn'], ['AGE', '38'], ['TITLE', 'nurse'], ['TITLE', 'UX researcher'], ['ORGANIZATION', 'Philips'], ['GPE', 'Eindhoven'], ['NRP', 'Dutch'], ['NRP', 'Turkish']),
  c("performance review notes, make them constructive: 'Marek Nowak (QA) missed 3 release deadlines in Q3, attitude ok, good with juniors.'",
    ['PERSON', 'Marek Nowak']),
  c('Team birthday list to turn into a calendar: Chen Jing 14 Jan, Oyelaran Tunde 2 May, Ahmed Hassan 30 Sep, Eun-ji Park 19 Nov.',
    ['PERSON', 'Chen Jing'], ['DATE_TIME', '14 Jan'], ['PERSON', 'Oyelaran Tunde'], ['DATE_TIME', '2 May'], ['PERSON', 'Ahmed Hassan'], ['DATE_TIME', '30 Sep'], ['PERSON', 'Eun-ji Park'], ['DATE_TIME', '19 Nov']),
  c('Escribe una carta de renuncia: trabajo como analista de datos en Telefónica desde marzo de 2021, mi jefa es Carmen López. Último día: 30 de junio.',
    ['TITLE', 'analista de datos'], ['ORGANIZATION', 'Telefónica'], ['DATE_TIME', 'marzo de 2021'], ['TITLE', 'jefa'], ['PERSON', 'Carmen López'], ['DATE_TIME', '30 de junio']),
  c("What's a fair notice period to give when quitting a job after 2 years?"),
  c('HR here. Employee ID 20418, Mohammed Al-Rashid (SSN 531-72-4408), requested parental leave from 05/05/2025 to 08/04/2025. Please draft the approval and cc his line manager Sarah Whitmore.',
    ['PERSON', 'Mohammed Al-Rashid'], ['US_SSN', '531-72-4408'], ['DATE_TIME', '05/05/2025'], ['DATE_TIME', '08/04/2025'], ['TITLE', 'line manager'], ['PERSON', 'Sarah Whitmore']),
  c("cover letter for a barista job at Starbucks in Seattle. i'm 19, worked 1 year at a cafe, can do latte art lol",
    ['TITLE', 'barista'], ['ORGANIZATION', 'Starbucks'], ['GPE', 'Seattle'], ['AGE', '19']),
  c('Convert to a table: Nome, Cargo, Telefone / Rafael Lima, Gerente de Vendas, +55 11 98234-5521; Beatriz Rocha, Analista Financeira, +55 21 99710-3384',
    ['PERSON', 'Rafael Lima'], ['TITLE', 'Gerente de Vendas'], ['PHONE_NUMBER', '+55 11 98234-5521'], ['PERSON', 'Beatriz Rocha'], ['TITLE', 'Analista Financeira'], ['PHONE_NUMBER', '+55 21 99710-3384']),

  // School
  c("help me write an email to my son's teacher Mrs. Okafor, he missed class on Monday 3rd due to flu. his name is Chinedu, year 5.",
    ['TITLE', 'teacher'], ['TITLE', 'Mrs.'], ['PERSON', 'Okafor'], ['DATE_TIME', 'Monday 3rd'], ['PERSON', 'Chinedu']),
  c('Explain photosynthesis for a Grade 6 science project, with a simple diagram description.'),
  c("I'm applying to the University of Toronto for computer science. I'm 17, from Lahore, my SAT is 1480. Can you review my personal statement intro?",
    ['ORGANIZATION', 'University of Toronto'], ['AGE', '17'], ['GPE', 'Lahore']),
  c('my prof (Prof. Dimitrios Papadakis) gave me 58/100 on the essay but the rubric says otherwise, how do i ask for a regrade without sounding rude',
    ['TITLE', 'prof'], ['TITLE', 'Prof.'], ['PERSON', 'Dimitrios Papadakis']),
  c('Why did the Cold War end? Give me five key causes in bullet points.'),
  c('Notes from parent-teacher meeting: Aarav (class 8B) strong in maths, weak in Hindi. Teacher: Ms. Kavita Joshi. Next meeting 18/10 at 11 am.',
    ['PERSON', 'Aarav'], ['TITLE', 'Teacher'], ['TITLE', 'Ms.'], ['PERSON', 'Kavita Joshi'], ['DATE_TIME', '18/10'], ['DATE_TIME', '11 am']),
  c('Write a permission slip for the class trip to the zoo on Thursday 6 November, bus leaves 8:15. Parent phone line: 020 7946 0321.',
    ['DATE_TIME', 'Thursday 6 November'], ['DATE_TIME', '8:15'], ['PHONE_NUMBER', '020 7946 0321']),
  c('quiz me on the Industrial Revolution, 10 questions, include 1760 as an answer somewhere.'),

  // Code, config and logs
  c(`.env is leaking in my repo, how do I purge it from history?
\`\`\`
DATABASE_URL=postgres://app_user:Qx7!mP2vLz@db-prod-02.internal.acmepay.io:5432/payments
STRIPE_SECRET_KEY=sk_live_51Hx9fKq2Lm8Tn4Rv7Wz0Ab3Cd
LOG_LEVEL=debug
\`\`\``,
    ['SECRET', 'Qx7!mP2vLz'], ['DOMAIN_NAME', 'db-prod-02.internal.acmepay.io'], ['SECRET', 'sk_live_51Hx9fKq2Lm8Tn4Rv7Wz0Ab3Cd']),
  c("Why does this curl return 401?\ncurl -H 'Authorization: Bearer ghp_7Rk2LmQx9Vt4Zp1Nc8Wy3Hb6Jd0Fs5Ea2Gu' https://api.github.com/repos/kofi-dev/ledger/issues",
    ['SECRET', 'ghp_7Rk2LmQx9Vt4Zp1Nc8Wy3Hb6Jd0Fs5Ea2Gu'], ['DOMAIN_NAME', 'https://api.github.com/repos/kofi-dev/ledger/issues']),
  c(`stack trace from prod, what's wrong?
\`\`\`
2025-03-14T09:22:17.481Z ERROR [order-svc] TypeError: Cannot read properties of undefined (reading 'id')
    at mapOrder (/srv/app/dist/orders.js:88:21)
    at async handler (/srv/app/dist/routes.js:41:5)
    request_id=7f3a9c client_ip=10.24.8.133 user=ines.carvalho@lojaverde.pt
\`\`\``,
    ['DATE_TIME', '2025-03-14T09:22:17.481Z'], ['IP_ADDRESS', '10.24.8.133'], ['EMAIL_ADDRESS', 'ines.carvalho@lojaverde.pt']),
  c("What's the difference between `useEffect` and `useLayoutEffect` in React 18? When would I pick one over the other?"),
  c('nginx keeps blocking me: `2025/02/03 17:45:09 [error] 1123#0: *98 access forbidden by rule, client: 198.51.100.212, server: shop.kaveri-textiles.in`. config below, help',
    ['DATE_TIME', '2025/02/03 17:45:09'], ['IP_ADDRESS', '198.51.100.212'], ['DOMAIN_NAME', 'shop.kaveri-textiles.in']),
  c(`my aws creds are in this script, is that bad??
aws_access_key_id = AKIAZ4QW7RLX2MNB8T5K
aws_secret_access_key = pV9wX2kL7qR4tY8uN3mB6cJ1zF5hG0dS2aE7iK4o`,
    ['SECRET', 'AKIAZ4QW7RLX2MNB8T5K'], ['SECRET', 'pV9wX2kL7qR4tY8uN3mB6cJ1zF5hG0dS2aE7iK4o']),
  c("Slack bot isn't posting. token is xoxb-5829163047-7710294836512-Hq3KzP9wRt2LmV8nYc4Xb1Ds, channel #ops-alerts. here's my python: client = WebClient(token=os.environ['SLACK_BOT_TOKEN'])",
    ['SECRET', 'xoxb-5829163047-7710294836512-Hq3KzP9wRt2LmV8nYc4Xb1Ds']),
  c("Explain this regex: ^(?=.*[A-Z])(?=.*\\d).{8,}$ and tell me if it's a good password rule."),
  c(`JSON from our CRM, convert to CSV:
[{"name":"Hiroshi Tanaka","email":"h.tanaka@kitsune-works.jp","phone":"+81 3-5847-2910","city":"Osaka"},{"name":"Seo-yeon Kim","email":"seoyeon.kim@hanbit.co.kr","phone":"+82 10-4831-7720","city":"Busan"}]`,
    ['PERSON', 'Hiroshi Tanaka'], ['EMAIL_ADDRESS', 'h.tanaka@kitsune-works.jp'], ['PHONE_NUMBER', '+81 3-5847-2910'], ['GPE', 'Osaka'],
    ['PERSON', 'Seo-yeon Kim'], ['EMAIL_ADDRESS', 'seoyeon.kim@hanbit.co.kr'], ['PHONE_NUMBER', '+82 10-4831-7720'], ['GPE', 'Busan']),
  c('google maps api key not working on my site: AIzaSyD4x9Kq2mLp7Rt0Vw3Yb8Nc1Hf6Jz5Ue2Q, referrer restricted to www.tiendacasa.mx',
    ['SECRET', 'AIzaSyD4x9Kq2mLp7Rt0Vw3Yb8Nc1Hf6Jz5Ue2Q'], ['DOMAIN_NAME', 'www.tiendacasa.mx']),
  c('ssh keeps timing out: `ssh deploy@192.168.40.17 -p 2222`, works from office vpn but not from home. ufw rules?',
    ['IP_ADDRESS', '192.168.40.17']),
  c('Why is my Docker image 1.2 GB? Base is node:20-alpine, I copy node_modules and run npm ci.'),
  c(`openai call fails:
const client = new OpenAI({ apiKey: 'sk-proj-Tq8Lw3Xz5Nv1Kb7Rm2Yc9Hd4Jf6Gs0Pa3Ue' });
error 429. am i rate limited or is the key revoked?`,
    ['SECRET', 'sk-proj-Tq8Lw3Xz5Nv1Kb7Rm2Yc9Hd4Jf6Gs0Pa3Ue']),
  c(`Here's the failing test output, what does it mean?
FAIL src/cart.test.ts > applies discount
AssertionError: expected 17.99 to be 18 // Object.is equality
 ❯ src/cart.test.ts:42:23`),
  c('Write a bash script that pings 10.0.0.1 and 10.0.0.254 every 30 seconds and logs to /var/log/netcheck.log',
    ['IP_ADDRESS', '10.0.0.1'], ['IP_ADDRESS', '10.0.0.254']),
  c('IPv6 question: is fe80::1c2b:3aff:fe4d:91e2 routable? and what about 2001:db8:4f1e:22::c0a8:1b7?',
    ['IP_ADDRESS', 'fe80::1c2b:3aff:fe4d:91e2'], ['IP_ADDRESS', '2001:db8:4f1e:22::c0a8:1b7']),
  c('Webhook keeps 404ing: https://hooks.slack.com/services/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 payload below',
    ['SECRET', 'https://hooks.slack.com/services/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']),
  c(`Postgres log, why so slow?
2025-04-02 03:11:58.204 UTC [48213] LOG:  duration: 8421.337 ms  statement: SELECT * FROM invoices WHERE customer_email = 'b.adewale@fintrack.ng'`,
    ['DATE_TIME', '2025-04-02 03:11:58.204 UTC'], ['EMAIL_ADDRESS', 'b.adewale@fintrack.ng']),

  // Emails and letters
  c("Draft a thank-you email to Professor Yusuf Demir at Boğaziçi University for writing my recommendation letter. I got into the master's program at ETH Zurich!",
    ['TITLE', 'Professor'], ['PERSON', 'Yusuf Demir'], ['ORGANIZATION', 'Boğaziçi University'], ['ORGANIZATION', 'ETH Zurich']),
  c('Write a wedding invitation text: Priyanka & Arjun, Saturday 22 November 2025, 6 pm, The Leela Palace, Udaipur. RSVP to +91 98201 55473.',
    ['PERSON', 'Priyanka'], ['PERSON', 'Arjun'], ['DATE_TIME', 'Saturday 22 November 2025'], ['DATE_TIME', '6 pm'], ['ORGANIZATION', 'The Leela Palace'], ['GPE', 'Udaipur'], ['PHONE_NUMBER', '+91 98201 55473']),
  c("Lettera formale al Comune: sono Marco Bianchi, residente in Via Roma 48, 20121 Milano, chiedo il rinnovo della carta d'identità. Il mio numero è 347 218 9064.",
    ['PERSON', 'Marco Bianchi'], ['STREET_ADDRESS', 'Via Roma 48'], ['ZIP_CODE', '20121'], ['GPE', 'Milano'], ['PHONE_NUMBER', '347 218 9064']),
  c('Write a polite email declining a meeting invite because of a scheduling conflict. Keep it under 80 words.'),
  c('email to my landlord pls: heating broken since 28 Dec, flat 4, 62 Cowley Road, Oxford OX4 1HR. Im Rhys. tone firm but polite',
    ['DATE_TIME', '28 Dec'], ['STREET_ADDRESS', 'flat 4, 62 Cowley Road'], ['GPE', 'Oxford'], ['ZIP_CODE', 'OX4 1HR'], ['PERSON', 'Rhys']),
  c("Make this sound more professional: 'yo Dave, the Q2 deck is done, sent it to ur work mail dave.thompson@northwind-consulting.com, lmk'",
    ['PERSON', 'Dave'], ['EMAIL_ADDRESS', 'dave.thompson@northwind-consulting.com']),
  c('Write a condolence card for my colleague Zanele Dlamini whose father passed away last week.',
    ['PERSON', 'Zanele Dlamini']),
  c('Carta de apresentação para vaga de enfermeira no Hospital Sírio-Libanês. Me chamo Larissa Campos, tenho 31 anos, moro em Campinas, email larissa.campos@uol.com.br',
    ['TITLE', 'enfermeira'], ['ORGANIZATION', 'Hospital Sírio-Libanês'], ['PERSON', 'Larissa Campos'], ['AGE', '31'], ['GPE', 'Campinas'], ['EMAIL_ADDRESS', 'larissa.campos@uol.com.br']),
  c("Can you proofread? 'Dear Hiring Team at Shopify, I am writing to apply for the Staff Data Scientist position...' signed Olumide Bakare, Toronto.",
    ['ORGANIZATION', 'Shopify'], ['TITLE', 'Staff Data Scientist'], ['PERSON', 'Olumide Bakare'], ['GPE', 'Toronto']),
  c('Give me a template for an out-of-office reply in English and German.'),
  c("Reply to Mrs. Tanaka's complaint that the parcel to her address in Tokyo arrived damaged. Offer a 20% voucher.",
    ['TITLE', 'Mrs.'], ['PERSON', 'Tanaka'], ['GPE', 'Tokyo']),
  c('write an email to Dr. Ngozi Eze, Head of Paediatrics at Lagos University Teaching Hospital, requesting a 30 min meeting on Wednesday at 10:00 WAT.',
    ['TITLE', 'Dr.'], ['PERSON', 'Ngozi Eze'], ['TITLE', 'Head of Paediatrics'], ['ORGANIZATION', 'Lagos University Teaching Hospital'], ['DATE_TIME', 'Wednesday'], ['DATE_TIME', '10:00 WAT']),

  // Other languages and mixes
  c('bhai mera resume check kar do, naam Rohit Verma, 24 saal, Pune me rehta hoon, TCS me 2 saal se software engineer hoon',
    ['PERSON', 'Rohit Verma'], ['AGE', '24'], ['GPE', 'Pune'], ['ORGANIZATION', 'TCS'], ['TITLE', 'software engineer']),
  c('yaar kal Infosys ka HR round hai, salary expectation kitna bolu? abhi 6.5 LPA hai',
    ['ORGANIZATION', 'Infosys']),
  c('Wie formuliere ich eine Kündigung für mein Fitnessstudio McFit zum 31.05.? Mitgliedsnummer 884201, Name: Sabine Krüger.',
    ['ORGANIZATION', 'McFit'], ['DATE_TIME', '31.05.'], ['PERSON', 'Sabine Krüger']),
  c('Peux-tu corriger mon mail ? « Bonjour Madame Lefèvre, je vous confirme le rendez-vous du mardi 4 février à 9h30 à notre agence de Lyon. Cordialement, Julien Moreau, conseiller clientèle »',
    ['TITLE', 'Madame'], ['PERSON', 'Lefèvre'], ['DATE_TIME', 'mardi 4 février'], ['DATE_TIME', '9h30'], ['GPE', 'Lyon'], ['PERSON', 'Julien Moreau'], ['TITLE', 'conseiller clientèle']),
  c("Come si dice 'break a leg' in italiano? E ci sono altri modi di dire simili?"),
  c('Napisz proszę SMS do pani Agnieszki, że wizyta u dentysty przesunięta na piątek 14:00.',
    ['TITLE', 'pani'], ['PERSON', 'Agnieszki'], ['DATE_TIME', 'piątek 14:00']),
  c("Was ist der Unterschied zwischen 'seit' und 'seid'? Bitte mit Beispielen."),
  c("Me ajuda a responder esse cliente: 'Boa tarde, sou o Thiago Pereira, comprei o notebook dia 03/01 e até hoje nada.'",
    ['PERSON', 'Thiago Pereira'], ['DATE_TIME', '03/01']),
  c('mera aadhaar address update karna hai, new address: Flat 302, Shanti Apartments, 14th Cross, Indiranagar, Bengaluru 560038. steps batao',
    ['STREET_ADDRESS', 'Flat 302, Shanti Apartments, 14th Cross'], ['GPE', 'Bengaluru'], ['ZIP_CODE', '560038']),
  c('Hola! Necesito un mensaje de cumpleaños para mi abuela Rosa, cumple 90 el domingo.',
    ['PERSON', 'Rosa'], ['AGE', '90'], ['DATE_TIME', 'domingo']),

  // Texting
  c('omg so i met this guy jake at the party and he gave me his number 415 555 0198?? is it weird to text first',
    ['PERSON', 'jake'], ['PHONE_NUMBER', '415 555 0198']),
  c("wat do i say to my gf sam she's mad i forgot our anniversary on the 12th",
    ['PERSON', 'sam'], ['DATE_TIME', '12th']),
  c('ugh landlords. anyway can u make me a grocery list for the week, im vegan n broke'),
  c('srsly my bro deepak keeps using my netflix login, pass is Sunshine#2024 lol how do i kick him off',
    ['PERSON', 'deepak'], ['ORGANIZATION', 'netflix'], ['SECRET', 'Sunshine#2024']),
  c('is it normal that my phone battery drains 20% overnight, its an iphone 13 on ios 17.5'),
  c('bday party 4 my son leo turning 6 on sat the 9th, need ideas, ~15 kids, backyard',
    ['PERSON', 'leo'], ['AGE', '6'], ['DATE_TIME', 'sat the 9th']),
  c("cant log in to my barclays app, its asking for memorable word, i think i set it as 'pumpernickel'. can i reset w/o going to branch",
    ['ORGANIZATION', 'barclays'], ['SECRET', 'pumpernickel']),
  c('whats a good excuse to leave a party early lol asking for a friend'),
  c("hey its mariana, new number 11 97342-8816, save it. what's a cute way to tell people i changed my number",
    ['PERSON', 'mariana'], ['PHONE_NUMBER', '11 97342-8816']),
  c('thx for yesterday! can u remind me what the Roth IRA limit is? i make like 95k'),

  // No personal data, some of it tricky
  c('Will the Mark II version of the Canon EOS R5 work with my old EF lenses?'),
  c('Grace period on a credit card: how does it work if I pay the statement balance in full?'),
  c("May I ask how to cook rice so it doesn't stick? 2 cups rice, 3 cups water?"),
  c('Rank these: Python 3.12, Go 1.22, Rust 1.77. Which has the fastest startup for a CLI?'),
  c('Is a 27-inch 1440p monitor at 165 Hz worth $329?'),
  c('Hoover the living room or mop first? Also is a Dyson worth it?'),
  c('Summer Reading list: give me 5 novels under 300 pages for a 10-hour flight.'),
  c('Xerox this idea: a kanban board with columns Backlog, Doing, Review, Done. How many WIP limits should I set for a team of 5?'),
  c('Rose, Violet and Jasmine: which of these flowers grow best on a north-facing balcony?'),
  c('Bill me later vs pay now: which checkout option converts better for a $45 average order?'),
  c("What does 'Error 0x80070005' mean on Windows Update and how do I fix it?"),
  c('Compare the Kindle Paperwhite and the Kobo Clara for reading PDFs.'),
  c("Is version 2.4.1 of the library backwards compatible with 2.3.x? The changelog says 'Breaking: drop Node 16'."),
  c("Frank feedback please: is 'Synergy-Driven Solutions' a terrible slogan for a consulting deck?"),
  c('How many grams is 1 cup of flour, and 250 ml of milk in cups?'),
  c("What's the boiling point of water at 2,400 m altitude?"),
  c("Help me name my cat: she's grey, fluffy, and acts like a queen. Maybe Duchess or Pepper?"),
];
