/**
 * Vocabulary that tells names apart from ordinary words: frequent English words, organisation
 * designators, occupations, honorifics and street types. Hand-compiled general knowledge (see
 * README.md in this folder), lower case.
 */
const common = `
position occupation dob role employer nationality gender status sex postcode tel username reference ref invoice patient notes comments salary passport signature
años anni jahre lata
a about above across act actually add address after afternoon again against age ago agree ah ahead air all allow almost alone along already also although always am among amount an and angry animal another answer any anyone anything anyway anywhere apartment app appear apply appointment are area arm around arrive art article as ask at attach attention available avenue away awesome
baby back bad bag balance bank bar base be beautiful because become bed been before begin behind being believe below best better between big bill birthday bit black block blue board body book born both bottom box boy branch break bring brother brown build building bus business busy but buy by bye
call called calling came can cancel cannot car card care case cash cause center centre certain chance change charge chat check child children choose church city class clean clear close club code coffee cold college color come comes coming company contact continue cool corner correct cost could country couple course court cover credit cup current customer cut
dad daily dark data date daughter day days dead dear deal death decide deep delete delivery department did die different dinner do doctor does dog doing done door down dr drink drive driver driving during
each early east easy eat email end enough enter error even evening event ever every everyone everything exactly example except excuse expect experience explain eye
face fact fair fall family far fast father fax fee feel few field file fill film final finally find fine finish fire first fix floor fly follow food for form forward found free friday friend friends from front full fun funny future
game gave general get gets getting girl give glad go god goes going gone good got great green ground group grow guess guy guys
had hair half hall hand happen happened happy hard has hate have having he head health hear heard heart hello help her here hey hi high him his history hit hold holiday home hope hospital hot hotel hour hours house how however huge husband
i idea if important in include info information inside instead interest into is issue it item its
job join just keep key kid kids kind kitchen knew know known
lady land language large last late later law lead learn least leave left less let letter level life light like line list listen little live lives living local location lock login long look looking lose lost lot love low lunch
made mail main make man manager many market married matter may maybe me mean meet meeting member message met middle might mind mine minute minutes miss mobile mom moment monday money month months more morning most mother move movie mr mrs ms much music must my myself
name names near need needs never new news next nice night no none normal north not note nothing notice now number
of off office often oh ok okay old on once one online only open or order other our out outside over own
page paid pain paper parent parents park part party pass password past pay people per perfect perhaps person phone pick picture place plan play please plus point police poor possible post power pretty price private probably problem problems program project pull put
question quick quite
rather reach read ready real really reason receive received recent red remember remove rent reply report request rest restaurant result return right road room round rule run
safe said same saturday save saw say says school sea second see seem seen sell send sent service set several she shop short should show side sign since single sir sister site sit small so some someone something sometimes son soon sorry sound south space speak special start state station stay still stop store story street student study stuff such suite sunday support sure system
table take talk team tell test text than thank thanks that the their them then there these they thing things think this those though thought through thursday time today together told tomorrow tonight too top total town train travel tried true try trying tuesday turn two type
under understand unit until up update us use used user usual
very via visit
wait walk want wanted war was watch water way we website wednesday week weekend welcome well went were west what whatever when where whether which while white who whole whom why wife will win window wish with within without woman women won wonder word work worked working world would write wrong
yeah year years yes yesterday yet you young your yours
also anyway btw fyi lol omg thx pls plz ty np ok yep nope hmm um uh
january february march april may june july august september october november december monday tuesday wednesday thursday friday saturday sunday
e-mail apt ste info personal statement mission desk account accounts admin agent apartment application applications approval assistant bot client customer customers details document documents email emails facebook instagram linkedin twitter whatsapp telegram youtube tiktok reddit google zoom slack
i'm i've i'll i'd you're you've you'll you'd he's she's it's we're we've we'll they're they've they'll that's there's here's what's who's where's how's let's don't doesn't didn't can't couldn't won't wouldn't shouldn't isn't aren't wasn't weren't haven't hasn't hadn't ain't y'all im ive ill dont doesnt didnt cant couldnt wont wouldnt shouldnt isnt arent wasnt havent idk tbh imo imho brb asap afaik iirc tldr tl;dr fwiw smh irl ngl rn lmk wdym hbu gonna wanna gotta kinda sorta ya yea yup nah okey alright
python java javascript typescript react angular vue svelte node nodejs deno rust golang kotlin swift ruby rails perl php scala haskell elixir erlang clojure lua matlab fortran cobol pascal dart flutter django flask fastapi spring laravel express nextjs nuxt webpack vite babel eslint prettier npm yarn pip conda docker kubernetes terraform ansible jenkins linux ubuntu debian fedora windows macos ios android chrome firefox safari edge excel powerpoint outlook word notion jira confluence figma postgres postgresql mysql sqlite mongodb redis kafka elasticsearch graphql json yaml html css sql api sdk cli gpu cpu ram ssd usb wifi bluetooth pdf csv xml http https url dns tcp udp ssh vpn git github gitlab bitbucket aws azure gcp heroku vercel netlify lambda tensorflow pytorch pandas numpy jupyter chatgpt gpt claude gemini copilot llm ai ml
revolution war empire kingdom republic union army navy church bible quran torah christmas easter ramadan hanukkah diwali thanksgiving halloween valentine new-year
hiring recruiting partner partners diary fools outpatient inpatient
question answer summary summarize summarise explain describe translate rewrite write draft edit review check compare list create generate fix debug refactor optimize convert calculate analyze analyse help tell give show make find
breakfast dinner lunch recipe cake bread chicken pizza pasta salad soup tea beer wine chocolate fruit vegetables
cat dog horse bird fish garden flower tree forest mountain river lake ocean beach island desert
chapter section part introduction conclusion appendix figure table step note warning tip example exercise lesson unit module topic
subject regards dear hello hi hey greetings welcome congratulations sincerely cheers best kind warm
urgent important reminder update announcement invitation agenda minutes schedule deadline
professor teacher student doctor nurse lawyer engineer developer designer manager director president minister king queen prince princess
good great bad new old big small high low long short hot cold warm cool nice fine happy sad
`;

/** Designators that end an organisation name ("Acme Inc", "Smith & Sons Ltd"). */
const orgSuffixes = `
inc inc. incorporated corp corp. corporation co co. company companies ltd ltd. limited llc l.l.c. llp lp plc gmbh ag sa s.a. sas sarl srl s.r.l. spa s.p.a. bv b.v. nv n.v. oy ab as a/s aps kk pty pty. pte group holdings holding partners associates consulting consultants technologies technology tech systems solutions services software labs laboratories industries international enterprises ventures capital investments bank bancorp insurance financial trust foundation institute university college academy school hospital clinic agency network networks media studios studio entertainment pharmaceuticals pharma motors airlines airways logistics energy resources brands foods communications telecom analytics robotics dynamics innovations digital global worldwide`;

/** Words that start an organisation name ("University of X", "Bank of Y"). */
const orgPrefixes = `university bank institute college school department ministry museum hospital church council league federation association society board office bureau academy`;

/** Organisations so widely known that their name alone identifies them. */
const wellKnownOrgs = `
hmrc|dvla|dwp|dmv|ssa|uscis|epa|ftc|fcc|tsa|royal mail|canada revenue agency|medicare|medicaid|zalando|asos|tesco|sainsbury's|aldi|lidl|carrefour|lloyds|natwest|monzo|starling bank|revolut|n26|wells fargo|bank of america|capital one|american express|xfinity|virgin media|deutsche telekom|british airways|air france|qatar airways|american airlines|hubspot|ernst & young|bcg|goldman sachs|aviva|geico|state farm|humana|cigna|aetna|kaiser permanente|unitedhealthcare|blue cross|red cross|world bank|expedia|charles schwab|robinhood|coinbase|binance|mercadona|deutsche bahn|sncf|renfe|rabobank|bnp paribas|société générale|credit suisse|ubs|nubank|itaú|bradesco|flipkart|infosys|tata|wipro|reliance jio|airtel|safaricom|mtn|jumia|grab|gojek|shopee|rakuten|softbank|toyota|honda|nissan|hyundai|kia|
google|alphabet|microsoft|apple|amazon|meta|facebook|instagram|whatsapp|netflix|tesla|spacex|nvidia|intel|amd|ibm|oracle|salesforce|adobe|cisco|dell|hp|hewlett-packard|lenovo|samsung|sony|lg|huawei|xiaomi|alibaba|tencent|baidu|bytedance|tiktok|uber|lyft|airbnb|twitter|linkedin|paypal|stripe|spotify|shopify|zoom|slack|dropbox|openai|anthropic|deepmind|github|gitlab|atlassian|sap|siemens|bosch|volkswagen|bmw|mercedes-benz|daimler|toyota|honda|nissan|ford|general motors|boeing|airbus|lockheed martin|walmart|target|costco|starbucks|mcdonald's|coca-cola|pepsico|nike|adidas|ikea|unilever|nestlé|nestle|procter & gamble|johnson & johnson|pfizer|moderna|astrazeneca|novartis|roche|bayer|merck|goldman sachs|morgan stanley|jpmorgan|jp morgan|jpmorgan chase|citibank|citigroup|bank of america|wells fargo|hsbc|barclays|deutsche bank|ubs|credit suisse|bnp paribas|santander|ing|visa|mastercard|american express|berkshire hathaway|blackrock|fidelity|vanguard|deloitte|pwc|kpmg|ernst & young|accenture|mckinsey|boston consulting group|bain|allianz|axa|aig|prudential|metlife|at&t|verizon|t-mobile|comcast|vodafone|orange|telefonica|bbc|cnn|fox news|new york times|washington post|reuters|bloomberg|associated press|nasa|fbi|cia|nsa|irs|fda|cdc|who|world health organization|united nations|un|unicef|unesco|nato|european union|eu|world bank|imf|red cross|greenpeace|amnesty international|harvard|stanford|mit|yale|princeton|oxford university|cambridge university|columbia university|berkeley|ucla|nyu|fedex|ups|dhl|usps|royal mail|emirates|lufthansa|delta|united airlines|american airlines|ryanair|easyjet|british airways|air france|klm|disney|warner bros|paramount|universal|hbo|ebay|etsy|wikipedia|yahoo|reddit|pinterest|snapchat|discord|telegram|wechat|signal`;

/**
 * Heads of job titles ("software engineer", "sales manager"), in English and, for the languages
 * chat users write in most after it, the common occupations in Spanish, French, German, Italian,
 * Portuguese and Polish (masculine and feminine forms, as written with their accents).
 */
const jobHeads = `
barista owner cofounder co-founder
attorney barrister prosecutor notary magistrate bailiff sheriff constable trooper cadet hygienist principal headteacher headmaster headmistress superintendent provost registrar chancellor orthodontist dermatologist cardiologist oncologist pediatrician paediatrician radiologist anesthesiologist anaesthetist neurologist ophthalmologist gynecologist gynaecologist obstetrician chiropractor osteopath podiatrist sonographer phlebotomist audiologist psychotherapist practitioner caregiver carer nanny babysitter housekeeper doula courier chauffeur foreman contractor roofer plasterer bricklayer locksmith upholsterer florist jeweller jeweler groomer trucker actuary strategist marketer copywriter illustrator animator videographer cinematographer choreographer dancer pianist violinist cellist vocalist sommelier concierge archivist mathematician freelancer entrepreneur apprentice trainee realtor teller sailor rancher fisherman zookeeper dishwasher coo cmo cio ciso cpo sysadmin webmaster head chief vp svp evp lead postdoc rn gp lpn cna sre
enfermero enfermera médico médica profesora maestro maestra abogado abogada ingeniero ingeniera contador contadora gerente directora camarero camarera cocinero cocinera arquitecto arquitecta programador programadora desarrollador desarrolladora diseñador diseñadora secretaria vendedor vendedora farmacéutico farmacéutica infirmier infirmière médecin professeur enseignant enseignante avocat avocate ingénieur comptable directeur directrice serveur serveuse cuisinier cuisinière architecte développeur développeuse vendeur vendeuse pharmacien pharmacienne dentiste lehrer lehrerin ärztin krankenschwester pfleger pflegerin ingenieur ingenieurin anwalt anwältin rechtsanwalt rechtsanwältin entwickler entwicklerin softwareentwickler buchhalter buchhalterin geschäftsführer geschäftsführerin verkäufer verkäuferin kellner kellnerin architektin apotheker apothekerin zahnarzt zahnärztin polizist polizistin infermiere infermiera insegnante professore professoressa avvocato avvocata ingegnere commercialista direttore direttrice cameriere cameriera cuoco cuoca architetto sviluppatore sviluppatrice farmacista enfermeiro enfermeira advogado advogada engenheiro engenheira diretor diretora garçom garçonete cozinheiro cozinheira arquiteto arquiteta desenvolvedor desenvolvedora nauczyciel nauczycielka lekarz lekarka pielęgniarka pielęgniarz inżynier prawnik programista programistka księgowy księgowa kierownik kierowniczka dyrektor kelner kelnerka kucharz kucharka
nauczycielem lekarzem pielęgniarzem inżynierem prawnikiem programistą kierownikiem dyrektorem kelnerem kelnerką kucharzem kucharką
songwriter player author composer guitarist drummer bassist rapper chairman chairwoman chairperson spokesperson spokesman spokeswoman reporter columnist commentator novelist playwright filmmaker correspondent lecturer researcher scientist economist historian philosopher activist lawmaker legislator mayor governor ambassador
accountant actor actress administrator adviser advisor agent analyst architect artist assistant associate attendant auditor baker banker barber bartender biologist bookkeeper broker builder buyer captain carpenter cashier ceo cfo chef chemist cleaner clerk coach consultant controller cook coordinator counselor counsellor cto curator dentist designer detective developer dietitian director dispatcher doctor driver economist editor educator electrician engineer executive farmer firefighter founder gardener geologist guard hairdresser historian inspector installer instructor intern investigator janitor journalist judge lawyer lecturer librarian lifeguard machinist manager mechanic mediator midwife miner musician nurse nutritionist officer operator optician optometrist painter paralegal paramedic pharmacist photographer physician physicist physiotherapist pilot planner plumber poet police policeman porter president producer professor programmer psychiatrist psychologist publisher radiographer receptionist recruiter representative researcher salesman salesperson scientist secretary singer sociologist soldier solicitor specialist statistician steward stewardess supervisor surgeon surveyor tailor teacher technician technologist therapist trader trainer translator treasurer tutor underwriter veterinarian vet waiter waitress welder worker writer`;

/** Honorifics that precede a name. */
const honorifics = `mr mr. mrs mrs. ms ms. miss mx mx. dr dr. prof prof. professor sir dame madam madame mme mlle lord lady rev rev. reverend fr fr. father sister brother capt capt. captain col col. colonel gen gen. general lt lt. sgt sgt. officer judge hon hon. sen sen. senator rep rep. gov gov. president herr frau señor señora señorita signor signora monsieur sheikh sr sr. sra sra. srta srta. dra dra. dña dña. dott dott. ing ing. avv avv. sig sig. pani shri smt smt. mevrouw meneer`;

/** Street types, written after the name in English and before it in many other languages. */
const streetSuffixes = `
street st st. avenue ave ave. road rd rd. lane ln ln. drive dr dr. boulevard blvd blvd. way court ct ct. place pl pl. square sq terrace ter circle cir crescent cres close parkway pkwy highway hwy expressway freeway alley trail trl path walk row mews grove gardens gdns hill hills heights park plaza pike loop run bypass causeway crossing point ridge view vista wharf quay parade esplanade embankment green common rise mount`;

const streetPrefixes = `
rue avenue av. av boulevard bd allée chemin impasse place quai route via viale piazza piazzale corso largo vicolo strada calle avenida avda avda. paseo plaza camino carrer carretera rua travessa praça largo estrada alameda ulica ul ul. aleja al. plac os. trg ulitsa prospekt pr-t straße strasse gasse weg platz allee ring damm`;

/** Endings of street names written as one word in Germanic, Nordic and Finnish languages. */
const streetEndings = `straße strasse str. gasse weg platz allee ufer chaussee steig pfad laan straat weg plein gracht kade singel dreef vej vejen gade gaden stræde allé vænget torv gata gatan vägen väg gränd stig torget veien vegen gate gaten plassen stien bakken katu tie kuja polku tori raitti väylä rinne kaari utca út tér körút ulica`;

const split = (s: string) => s.split(/\s+/).filter((w) => w.length > 0);

export const COMMON_WORDS: ReadonlySet<string> = new Set(split(common));
export const ORG_SUFFIXES: ReadonlySet<string> = new Set(split(orgSuffixes));
export const ORG_PREFIXES: ReadonlySet<string> = new Set(split(orgPrefixes));
/**
 * Words that open an organisation's name in languages that put the kind of institution first
 * ("Universidad Complutense", "Szpital Uniwersytecki", "Banco Santander"), and Indian institutes
 * named by acronym and city ("IIT Delhi").
 */
const institutionsFirst = `universidad université universität universitat università universidade uniwersytet politechnika hospital hôpital krankenhaus klinikum klinik ospedale szpital clínica clinica clinique banco banque banca colegio lycée escuela école scuola instituto institut istituto fundación fondation stiftung fundação fundacja ministerio ministère ministerium ministero museo musée iit iim aiims nit`;
export const INSTITUTIONS_FIRST: ReadonlySet<string> = new Set(split(institutionsFirst));
export const WELL_KNOWN_ORGS: readonly string[] = wellKnownOrgs.split('|').map((w) => w.trim()).filter(Boolean);
export const JOB_HEADS: ReadonlySet<string> = new Set(split(jobHeads));
export const HONORIFICS: ReadonlySet<string> = new Set(split(honorifics));
export const STREET_SUFFIXES: ReadonlySet<string> = new Set(split(streetSuffixes));
export const STREET_PREFIXES: ReadonlySet<string> = new Set(split(streetPrefixes));
export const STREET_ENDINGS: readonly string[] = split(streetEndings);

/** Month names of the other languages a chat is often written in (dates in datetime.ts). */
export const FOREIGN_MONTHS: readonly string[] = [
  'enero febrero marzo abril mayo junio julio agosto septiembre setiembre octubre noviembre diciembre',
  'janvier février fevrier mars avril mai juin juillet août aout septembre octobre novembre décembre decembre',
  'januar jänner februar märz maerz april mai juni juli august september oktober november dezember',
  'gennaio febbraio marzo aprile maggio giugno luglio agosto settembre ottobre novembre dicembre',
  'janeiro fevereiro março marco abril maio junho julho agosto setembro outubro novembro dezembro',
  // Polish, as a date writes them ("5 marca 2024"): the genitive.
  'stycznia lutego marca kwietnia maja czerwca lipca sierpnia września wrzesnia października pazdziernika listopada grudnia',
].flatMap((line) => line.split(' '));

/**
 * Weekdays of the same languages. Spanish, French, Italian, Portuguese and Polish write them in
 * lower case, which tells "el domingo" from the name Domingo; German capitalises them.
 */
export const FOREIGN_WEEKDAYS: readonly string[] = [
  'lunes martes miércoles miercoles jueves viernes sábado sabado domingo',
  'lundi mardi mercredi jeudi vendredi samedi dimanche',
  'lunedì lunedi martedì martedi mercoledì mercoledi giovedì giovedi venerdì venerdi sabato domenica',
  'segunda-feira terça-feira terca-feira quarta-feira quinta-feira sexta-feira',
  'poniedziałek poniedzialek wtorek środa sroda czwartek piątek piatek sobota niedziela',
].flatMap((line) => line.split(' '));
export const GERMAN_WEEKDAYS: readonly string[] = 'montag dienstag mittwoch donnerstag freitag samstag sonnabend sonntag'.split(' ');
