package assets

import (
	"regexp"
	"strings"
)

// language is one language people in English towns commonly ask for: its
// ISO 639-1 code where it has one (else ISO 639-3), the ISO 639-2 codes that
// feeds also use, and its English name.
type language struct {
	code  string
	alt   []string
	names []string
}

var languageTable = []language{
	{"en", []string{"eng"}, []string{"English"}},
	{"ur", []string{"urd"}, []string{"Urdu"}},
	{"pa", []string{"pan"}, []string{"Punjabi", "Panjabi"}},
	{"pl", []string{"pol"}, []string{"Polish"}},
	{"ro", []string{"ron", "rum"}, []string{"Romanian"}},
	{"bn", []string{"ben"}, []string{"Bengali", "Bangla"}},
	{"ar", []string{"ara"}, []string{"Arabic"}},
	{"zh", []string{"zho", "chi"}, []string{"Chinese", "Mandarin"}},
	{"yue", nil, []string{"Cantonese"}},
	{"so", []string{"som"}, []string{"Somali"}},
	{"gu", []string{"guj"}, []string{"Gujarati"}},
	{"hi", []string{"hin"}, []string{"Hindi"}},
	{"ta", []string{"tam"}, []string{"Tamil"}},
	{"fa", []string{"fas", "per"}, []string{"Persian", "Farsi"}},
	{"ku", []string{"kur"}, []string{"Kurdish"}},
	{"ps", []string{"pus"}, []string{"Pashto"}},
	{"ti", []string{"tir"}, []string{"Tigrinya"}},
	{"am", []string{"amh"}, []string{"Amharic"}},
	{"tr", []string{"tur"}, []string{"Turkish"}},
	{"fr", []string{"fra", "fre"}, []string{"French"}},
	{"es", []string{"spa"}, []string{"Spanish"}},
	{"pt", []string{"por"}, []string{"Portuguese"}},
	{"it", []string{"ita"}, []string{"Italian"}},
	{"de", []string{"deu", "ger"}, []string{"German"}},
	{"lt", []string{"lit"}, []string{"Lithuanian"}},
	{"lv", []string{"lav"}, []string{"Latvian"}},
	{"sk", []string{"slk", "slo"}, []string{"Slovak"}},
	{"cs", []string{"ces", "cze"}, []string{"Czech"}},
	{"hu", []string{"hun"}, []string{"Hungarian"}},
	{"bg", []string{"bul"}, []string{"Bulgarian"}},
	{"ru", []string{"rus"}, []string{"Russian"}},
	{"uk", []string{"ukr"}, []string{"Ukrainian"}},
	{"sq", []string{"sqi", "alb"}, []string{"Albanian"}},
	{"el", []string{"ell", "gre"}, []string{"Greek"}},
	{"ne", []string{"nep"}, []string{"Nepali"}},
	{"vi", []string{"vie"}, []string{"Vietnamese"}},
	{"tl", []string{"tgl"}, []string{"Tagalog"}},
	{"yo", []string{"yor"}, []string{"Yoruba"}},
	{"ig", []string{"ibo"}, []string{"Igbo"}},
	{"sw", []string{"swa"}, []string{"Swahili"}},
	{"cy", []string{"cym", "wel"}, []string{"Welsh"}},
	{"ga", []string{"gle"}, []string{"Irish"}},
	{"gd", []string{"gla"}, []string{"Scottish Gaelic", "Gaelic"}},
	{"bfi", nil, []string{"British Sign Language", "BSL"}},
}

var languageCode = regexp.MustCompile(`^[a-z]{2,3}$`)

// validLanguage accepts an ISO 639-1 code, or an ISO 639-3 code for
// languages without one (British Sign Language is "bfi").
func validLanguage(code string) bool { return languageCode.MatchString(code) }

// LanguageName returns the English name of a language code, or the code.
func LanguageName(code string) string {
	for _, l := range languageTable {
		if l.code == code {
			return l.names[0]
		}
	}
	return code
}

// languageFromFeed turns what a feed gives for a language (a code in any ISO
// 639 part, or an English name) into Kith's code, or "" when it cannot.
func languageFromFeed(code, name string) string {
	c := strings.ToLower(strings.TrimSpace(code))
	if i := strings.IndexAny(c, "-_"); i > 0 { // "en-GB"
		c = c[:i]
	}
	for _, l := range languageTable {
		if c == l.code {
			return l.code
		}
		for _, a := range l.alt {
			if c == a {
				return l.code
			}
		}
	}
	if c != "" && validLanguage(c) {
		return c
	}
	n := strings.TrimSpace(name)
	if n == "" {
		n = strings.TrimSpace(code)
	}
	for _, l := range languageTable {
		for _, ln := range l.names {
			if strings.EqualFold(n, ln) {
				return l.code
			}
		}
	}
	return ""
}
