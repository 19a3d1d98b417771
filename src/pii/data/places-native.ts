/**
 * Countries and large cities as written in their own scripts (and a few neighbours' scripts),
 * for text in which the Latin-script lists of places.ts find nothing. Hand-compiled general
 * knowledge (see README.md in this folder). Forms a sentence inflects (Russian "в Москве") are
 * listed as they are written; Arabic and Hebrew prefixes are handled by the finder.
 */

/** Chinese (simplified and traditional) and Japanese: written without spaces. */
const hanKana = `
中国|中國|美国|美國|英国|英國|日本|韩国|韓國|德国|德國|法国|法國|意大利|西班牙|俄罗斯|俄羅斯|加拿大|澳大利亚|澳洲|新加坡|印度|越南|泰国|泰國|马来西亚|馬來西亞|台湾|台灣|香港|澳门|澳門|
北京|上海|广州|廣州|深圳|天津|重庆|重慶|成都|武汉|武漢|杭州|南京|西安|苏州|蘇州|长沙|長沙|郑州|鄭州|沈阳|瀋陽|青岛|青島|大连|大連|厦门|廈門|昆明|哈尔滨|哈爾濱|台北|臺北|高雄|台中|
東京|大阪|京都|横浜|名古屋|札幌|福岡|神戸|広島|仙台|沖縄|アメリカ|イギリス|フランス|ドイツ|イタリア|スペイン|カナダ|オーストラリア|ロンドン|パリ|ニューヨーク|ソウル`;

/** Korean: words carry their particles ("서울에서"), so a name must start a word but may run into one. */
const hangul = `한국|대한민국|북한|미국|일본|중국|영국|프랑스|독일|캐나다|호주|서울|부산|인천|대구|대전|광주|울산|제주|평양|도쿄|베이징|뉴욕|런던|파리`;

/** Arabic, Hebrew, Cyrillic, Greek, Devanagari: words separated by spaces. */
const spaced = `
مصر|السعودية|الإمارات|العراق|الأردن|لبنان|سوريا|فلسطين|المغرب|الجزائر|تونس|ليبيا|السودان|اليمن|عمان|قطر|الكويت|البحرين|إيران|تركيا|
القاهرة|الإسكندرية|الرياض|جدة|مكة|المدينة المنورة|دبي|أبوظبي|أبو ظبي|الشارقة|بغداد|البصرة|الموصل|عمّان|بيروت|دمشق|حلب|الدار البيضاء|الرباط|مراكش|الجزائر العاصمة|تونس العاصمة|طرابلس|الخرطوم|صنعاء|مسقط|الدوحة|المنامة|طهران|القدس|غزة|
ישראל|ירושלים|תל אביב|חיפה|באר שבע|אילת|נתניה|
Россия|России|Украина|Украине|Беларусь|Казахстан|Москва|Москве|Москву|Москвы|Санкт-Петербург|Санкт-Петербурге|Петербург|Петербурге|Новосибирск|Екатеринбург|Казань|Казани|Нижний Новгород|Сочи|Владивосток|Киев|Киеве|Київ|Києві|Харьков|Харків|Одесса|Одесі|Одессе|Львов|Львів|Львове|Минск|Минске|Алматы|Астана|Ташкент|
Ελλάδα|Κύπρος|Αθήνα|Αθήνας|Θεσσαλονίκη|Πάτρα|Ηράκλειο|Λευκωσία|Λεμεσός|
भारत|दिल्ली|नई दिल्ली|मुंबई|कोलकाता|चेन्नई|बेंगलुरु|हैदराबाद|पुणे|जयपुर|लखनऊ|अहमदाबाद|पटना|वाराणसी|नेपाल|काठमांडू`;

const split = (s: string) => s.split(/[|\n]/).map((w) => w.trim()).filter((w) => w.length > 0);

export const HAN_KANA_PLACES: readonly string[] = split(hanKana);
export const HANGUL_PLACES: readonly string[] = split(hangul);
export const SPACED_SCRIPT_PLACES: readonly string[] = split(spaced);
