/**
 * Nationalities, religious and political groups (what the NRP type stands for). Hand-compiled
 * general knowledge (see README.md in this folder), lower case. Plurals are derived in code.
 */
const nationalities = `
afghan albanian algerian american andorran angolan argentine argentinian armenian australian austrian azerbaijani azeri bahamian bahraini bangladeshi barbadian belarusian belgian belizean beninese bhutanese bolivian bosnian botswanan brazilian british bruneian bulgarian burkinabe burmese burundian cambodian cameroonian canadian cape verdean chadian chilean chinese colombian comoran congolese costa rican croatian cuban cypriot czech danish djiboutian dominican dutch ecuadorian egyptian emirati english equatoguinean eritrean estonian ethiopian fijian filipino finnish french gabonese gambian georgian german ghanaian greek greenlandic greenlander grenadian guatemalan guinean guyanese haitian honduran hungarian icelandic indian indonesian iranian iraqi irish israeli italian ivorian jamaican japanese jordanian kazakh kazakhstani kenyan kiribati korean kosovar kuwaiti kyrgyz lao laotian latvian lebanese liberian libyan liechtensteiner lithuanian luxembourgish luxembourger macedonian malagasy malawian malaysian maldivian malian maltese marshallese mauritanian mauritian mexican micronesian moldovan monegasque mongolian montenegrin moroccan mozambican namibian nauruan nepali nepalese new zealander nicaraguan nigerian nigerien north korean norwegian omani pakistani palauan palestinian panamanian papua new guinean paraguayan persian peruvian polish portuguese puerto rican qatari romanian russian rwandan saint lucian salvadoran samoan saudi saudi arabian scottish senegalese serbian seychellois sierra leonean singaporean slovak slovakian slovenian somali south african south korean south sudanese spanish sri lankan sudanese surinamese swazi swedish swiss syrian taiwanese tajik tanzanian thai timorese togolese tongan trinidadian tunisian turkish turkmen tuvaluan ugandan ukrainian uruguayan uzbek vanuatuan venezuelan vietnamese welsh yemeni zambian zimbabwean
arab arabic african asian european latino latina latinx hispanic caucasian kurdish kurd catalan basque flemish walloon bavarian sicilian corsican tibetan uyghur tamil punjabi bengali gujarati sikh maori aboriginal indigenous native american inuit sami romani roma berber bedouin pashtun hmong cherokee navajo yoruba igbo hausa zulu xhosa maasai amhara oromo celtic gaelic scandinavian nordic baltic slavic balkan anglo-saxon afro-american african american african-american asian american asian-american mexican-american
`;

/** Demonym nouns whose plural is not adjective + "s". */
const nouns = `
afghans albanians algerians americans argentines argentinians armenians australians austrians bangladeshis belgians bolivians bosnians brazilians britons brits bruneians bulgarians cambodians canadians chileans colombians croatians cubans cypriots czechs danes dominicans ecuadorians egyptians emiratis englishmen estonians ethiopians filipinos finns frenchmen germans ghanaians greeks greenlanders guatemalans haitians hondurans hungarians icelanders indians indonesians iranians iraqis israelis italians jamaicans jordanians kenyans koreans kuwaitis latvians lebanese libyans lithuanians malaysians mexicans moroccans nigerians norwegians omanis pakistanis palestinians panamanians paraguayans peruvians poles portuguese qataris romanians russians rwandans saudis scots serbians serbs singaporeans slovaks slovenians somalis spaniards sudanese swedes swiss syrians taiwanese thais tunisians turks ugandans ukrainians uruguayans venezuelans vietnamese welsh yemenis zambians zimbabweans
arabs africans asians europeans latinos latinas hispanics kurds catalans basques tamils sikhs maoris inuit jews muslims christians hindus buddhists catholics protestants mormons atheists agnostics democrats republicans conservatives liberals socialists communists libertarians progressives tories
`;

const religions = `
christian catholic roman catholic protestant orthodox greek orthodox russian orthodox evangelical baptist methodist lutheran presbyterian anglican episcopalian pentecostal mormon quaker amish mennonite adventist jehovah's witness muslim islamic sunni shia shiite sufi jewish judaism orthodox jewish hasidic hindu hinduism buddhist buddhism sikh sikhism jain jainism taoist taoism shinto zoroastrian bahá'í baha'i rastafarian pagan wiccan atheist agnostic secular humanist
`;

const political = `
democrat democratic republican gop conservative liberal labour labor tory socialist communist marxist leninist maoist libertarian progressive green party greens centrist social democrat christian democrat nationalist populist anarchist fascist neo-nazi feminist zionist
`;

/** Parts of multi-word entries that mean nothing alone; the phrases themselves are in GROUP_PHRASES. */
const PHRASE_PARTS = new Set('new south north saint sierra costa puerto papua cape sri social party witness jehovah\'s roman east leonean rican lankan verdean lucian zealander guinean native'.split(' '));
const split = (s: string) => s.split(/\s+/).filter((w) => w.length > 0 && !PHRASE_PARTS.has(w));

export const NATIONALITY_WORDS: ReadonlySet<string> = new Set([...split(nationalities), ...split(nouns)]);
export const RELIGION_WORDS: ReadonlySet<string> = new Set(split(religions));
export const POLITICAL_WORDS: ReadonlySet<string> = new Set(split(political));

/** Multi-word group names matched as phrases before single words. */
export const GROUP_PHRASES: readonly string[] = [
  'new zealander', 'north korean', 'south korean', 'south african', 'south sudanese', 'sri lankan', 'saudi arabian', 'costa rican', 'puerto rican', 'cape verdean', 'sierra leonean', 'papua new guinean',
  'native american', 'african american', 'asian american', 'roman catholic', 'greek orthodox', 'russian orthodox', "jehovah's witness", 'orthodox jewish', 'social democrat', 'christian democrat', 'green party',
];

/** Group words that are everyday words in lower case: only counted when capitalised. */
export const AMBIGUOUS_GROUP_WORDS: ReadonlySet<string> = new Set(
  'native indigenous secular green greens progressive liberal conservative orthodox democratic labor labour pagan polish swiss french english turkish china dutch'.split(' '),
);
