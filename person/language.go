package person

// Language is a language a council meets, by its ISO 639 code (639-1 where
// there is one, else 639-3), with its English name and the SNOMED CT concept
// for needing an interpreter in it. Interpreter is empty where the sources
// found give no concept for that language (the general concept is used).
type Language struct {
	Code, Name        string
	Interpreter, Term string
}

// Languages are the languages Kith offers, English and British Sign Language
// first, then roughly by how often English councils meet them, grouped by
// region.
var Languages = []Language{
	{Code: "en", Name: "English", Interpreter: "343671000000102", Term: "English language interpreter needed"},
	{Code: "bfi", Name: "British Sign Language", Interpreter: "204331000000107", Term: "British Sign Language interpreter needed"},
	{Code: "pl", Name: "Polish", Interpreter: "203901000000102", Term: "Polish language interpreter needed"},
	{Code: "ro", Name: "Romanian", Interpreter: "353881000000101", Term: "Romanian language interpreter needed"},
	{Code: "pa", Name: "Punjabi", Interpreter: "203961000000103", Term: "Panjabi language interpreter needed"},
	{Code: "ur", Name: "Urdu", Interpreter: "204211000000109", Term: "Urdu language interpreter needed"},
	{Code: "bn", Name: "Bengali", Interpreter: "203321000000107", Term: "Bengali language interpreter needed"},
	{Code: "syl", Name: "Sylheti", Interpreter: "204081000000109", Term: "Sylheti language interpreter needed"},
	{Code: "gu", Name: "Gujarati", Interpreter: "203601000000106", Term: "Gujarati language interpreter needed"},
	{Code: "hi", Name: "Hindi", Interpreter: "203651000000107", Term: "Hindi language interpreter needed"},
	{Code: "ta", Name: "Tamil", Interpreter: "204131000000109", Term: "Tamil language interpreter needed"},
	{Code: "te", Name: "Telugu", Interpreter: "363341000000107", Term: "Telugu language interpreter needed"},
	{Code: "ml", Name: "Malayalam", Interpreter: "203811000000107", Term: "Malayalam language interpreter needed"},
	{Code: "ne", Name: "Nepali", Interpreter: "364251000000104", Term: "Nepali language interpreter needed"},
	{Code: "ar", Name: "Arabic", Interpreter: "203311000000101", Term: "Arabic language interpreter needed"},
	{Code: "fa", Name: "Persian (Farsi)", Interpreter: "203421000000104", Term: "Farsi language interpreter needed"},
	{Code: "prs", Name: "Dari", Interpreter: "", Term: ""},
	{Code: "ps", Name: "Pashto", Interpreter: "203841000000108", Term: "Pashto language interpreter needed"},
	{Code: "ku", Name: "Kurdish", Interpreter: "203701000000104", Term: "Kurdish language interpreter needed"},
	{Code: "tr", Name: "Turkish", Interpreter: "204191000000105", Term: "Turkish language interpreter needed"},
	{Code: "so", Name: "Somali", Interpreter: "204021000000108", Term: "Somali language interpreter needed"},
	{Code: "ti", Name: "Tigrinya", Interpreter: "204171000000106", Term: "Tigrinya language interpreter needed"},
	{Code: "am", Name: "Amharic", Interpreter: "203301000000103", Term: "Amharic language interpreter needed"},
	{Code: "sw", Name: "Swahili", Interpreter: "204041000000101", Term: "Swahili language interpreter needed"},
	{Code: "yo", Name: "Yoruba", Interpreter: "204241000000105", Term: "Yoruba language interpreter needed"},
	{Code: "ig", Name: "Igbo", Interpreter: "203531000000101", Term: "Igbo language interpreter needed"},
	{Code: "ak", Name: "Akan", Interpreter: "203281000000104", Term: "Akan language interpreter needed"},
	{Code: "tw", Name: "Twi", Interpreter: "363301000000109", Term: "Twi language interpreter needed"},
	{Code: "sn", Name: "Shona", Interpreter: "203991000000109", Term: "Shona language interpreter needed"},
	{Code: "zh", Name: "Chinese", Interpreter: "972591000000100", Term: "Chinese interpreter needed"},
	{Code: "yue", Name: "Cantonese", Interpreter: "203381000000108", Term: "Cantonese language interpreter needed"},
	{Code: "cmn", Name: "Mandarin", Interpreter: "203821000000101", Term: "Mandarin language interpreter needed"},
	{Code: "vi", Name: "Vietnamese", Interpreter: "204221000000103", Term: "Vietnamese language interpreter needed"},
	{Code: "th", Name: "Thai", Interpreter: "204151000000102", Term: "Thai language interpreter needed"},
	{Code: "tl", Name: "Tagalog", Interpreter: "204111000000101", Term: "Tagalog language interpreter needed"},
	{Code: "ja", Name: "Japanese", Interpreter: "203681000000101", Term: "Japanese language interpreter needed"},
	{Code: "ko", Name: "Korean", Interpreter: "203691000000104", Term: "Korean language interpreter needed"},
	{Code: "pt", Name: "Portuguese", Interpreter: "203911000000100", Term: "Portuguese language interpreter needed"},
	{Code: "es", Name: "Spanish", Interpreter: "204031000000105", Term: "Spanish language interpreter needed"},
	{Code: "it", Name: "Italian", Interpreter: "203371000000106", Term: "Italian language interpreter needed"},
	{Code: "fr", Name: "French", Interpreter: "203441000000106", Term: "French language interpreter needed"},
	{Code: "de", Name: "German", Interpreter: "203581000000102", Term: "German language interpreter needed"},
	{Code: "nl", Name: "Dutch", Interpreter: "203411000000105", Term: "Dutch language interpreter needed"},
	{Code: "el", Name: "Greek", Interpreter: "203591000000100", Term: "Greek language interpreter needed"},
	{Code: "lt", Name: "Lithuanian", Interpreter: "203721000000108", Term: "Lithuanian language interpreter needed"},
	{Code: "lv", Name: "Latvian", Interpreter: "360071000000106", Term: "Latvian language interpreter needed"},
	{Code: "bg", Name: "Bulgarian", Interpreter: "353921000000107", Term: "Bulgarian language interpreter needed"},
	{Code: "hu", Name: "Hungarian", Interpreter: "360431000000104", Term: "Hungarian language interpreter needed"},
	{Code: "sk", Name: "Slovak", Interpreter: "352901000000108", Term: "Slovak language interpreter needed"},
	{Code: "cs", Name: "Czech", Interpreter: "203401000000108", Term: "Czech language interpreter needed"},
	{Code: "sq", Name: "Albanian", Interpreter: "203291000000102", Term: "Albanian language interpreter needed"},
	{Code: "hr", Name: "Croatian", Interpreter: "203391000000105", Term: "Croatian language interpreter needed"},
	{Code: "sr", Name: "Serbian", Interpreter: "203981000000107", Term: "Serbian language interpreter needed"},
	{Code: "ru", Name: "Russian", Interpreter: "203971000000105", Term: "Russian language interpreter needed"},
	{Code: "uk", Name: "Ukrainian", Interpreter: "204201000000107", Term: "Ukrainian language interpreter needed"},
	{Code: "he", Name: "Hebrew", Interpreter: "203641000000109", Term: "Hebrew language interpreter needed"},
	{Code: "rom", Name: "Romany", Interpreter: "1047321000000104", Term: "Romany language interpreter needed"},
	{Code: "cy", Name: "Welsh", Interpreter: "204231000000101", Term: "Welsh language interpreter needed"},
	{Code: "ga", Name: "Irish", Interpreter: "972731000000105", Term: "Irish interpreter needed"},
}

var languageByCode = func() map[string]Language {
	m := make(map[string]Language, len(Languages))
	for _, l := range Languages {
		m[l.Code] = l
	}
	return m
}()

// LanguageName is the English name of a language code, or "" when Kith does
// not know it.
func LanguageName(code string) string { return languageByCode[code].Name }
