package letters

import (
	"embed"
	"fmt"
	"strings"

	"github.com/kith-project/kith"
	"github.com/kith-project/kith/person"
)

// The easy read person letter: the same letter data as the person letter,
// said in short sentences, one idea a line, in large text, each idea beside
// a simple picture. The pictures are OpenMoji (CC BY-SA 4.0), shipped in
// pictures/ with their licence; pictures/README.md says where each came
// from and why this set.

//go:embed pictures/*.png
var pictureFiles embed.FS

// easyRow is one idea of an easy read letter: a picture and a few short
// lines beside it. Heading, when set, is the first line in bold.
type easyRow struct {
	Picture string // the name of a file in pictures/, without .png
	Heading text
	Lines   []text
}

// easyDocument is an easy read letter: the opening of a person letter
// (address, date, reference, title), then its ideas, then the sign-off.
type easyDocument struct {
	*document
	Rows    []easyRow
	SignOff []text
	Points  float64 // body text size
}

// Easy read text is at least 18 point, as Kith's large print is; larger
// where the person's recorded need asks for more.
const easyReadPoints = 18

// pictureCredit is the attribution the pictures' licence asks for, printed
// on every easy read letter.
const pictureCredit = "Pictures: OpenMoji (openmoji.org), licence CC BY-SA 4.0."

// EasyReadPDF renders the person letter in easy read, for a person whose
// recorded needs include it. It takes the same letter as PDF (which must be
// a person letter) and the person's needs, which set the text size (a
// large print need larger than 18 point is met) and add a line for each
// interpreter or communication support the person will have. The same
// letter and needs always give the same bytes.
func EasyReadPDF(l Letter, needs person.Needs) ([]byte, error) {
	if l.Kind != KindPerson {
		return nil, kith.Invalid(kith.FieldError{Field: "kind", Message: "must be person: only the person letter has an easy read version"})
	}
	if err := validate(l); err != nil {
		return nil, err
	}
	b, err := renderEasyRead(buildEasyRead(l, needs))
	if err != nil {
		return nil, fmt.Errorf("letters: render easy read PDF: %w", err)
	}
	return b, nil
}

func buildEasyRead(l Letter, needs person.Needs) *easyDocument {
	d := build(l) // the person letter's opening: recipient, date, reference
	heading := "The help we have asked for"
	if l.ProviderAgreed {
		heading = "The help we have arranged"
	}
	d.Title = "Easy read: " + heading + " – " + oneLine(l.Site.Name)
	d.Heading = plain(heading)
	d.Large = true
	rows := []easyRow{
		{Picture: "hello", Lines: []text{
			join(plain("Dear "), name(l.Person), plain(",")),
			join(plain("This letter is from "), free(l.Site.Name), plain(".")),
		}},
		{Picture: "agreed", Lines: []text{
			plain("You talked with us."),
			plain("You said yes to some help."),
		}},
	}
	rows = append(rows, serviceRows(l)...)
	rows = append(rows, supportRows(needs)...)
	rows = append(rows, closingRows(l)...)
	return &easyDocument{
		document: d,
		Rows:     rows,
		SignOff: []text{
			plain("From"),
			free(l.Navigator.Name),
			join(plain("Community navigator, "), free(l.Site.Name)),
		},
		Points: float64(max(easyReadPoints, needs.LargePrintPoints())),
	}
}

// serviceRows say who was asked, what it is, when and where, the cost and
// getting there.
func serviceRows(l Letter) []easyRow {
	nav, svc := free(l.Navigator.Name), free(l.Service.Name)
	asked := []text{join(plain("We asked "), svc, plain(" to help you."))}
	if org := free(l.Service.Organisation); !org.empty() {
		asked = append(asked, join(org, plain(" runs it.")))
	}
	if l.ProviderAgreed {
		asked = append(asked, plain("They said yes."))
	}
	rows := []easyRow{{Picture: "people", Lines: asked}}
	if !l.ProviderAgreed {
		rows = append(rows, easyRow{Picture: "phone", Lines: []text{
			plain("They will get in touch with you."),
		}})
	}
	if desc := paragraphs(l.Service.Description); len(desc) > 0 {
		rows = append(rows, easyRow{Picture: "information", Heading: plain("What it is"), Lines: freeAll(desc)})
	}
	if s := free(l.Service.Schedule); !s.empty() {
		rows = append(rows, easyRow{Picture: "when", Heading: plain("When"), Lines: []text{s}})
	}
	if l.Service.VisitsAtHome {
		rows = append(rows, easyRow{Picture: "home", Lines: []text{
			plain("They will come to your home."),
			plain("You do not need to go out."),
		}})
	} else if a := free(l.Service.Address); !a.empty() {
		rows = append(rows, easyRow{Picture: "where", Heading: plain("Where"), Lines: []text{a}})
	}
	cost := []text{join(plain("Ask "), nav, plain(" if it costs money."))}
	if c := free(l.Service.Cost); !c.empty() {
		cost = []text{c}
	}
	rows = append(rows, easyRow{Picture: "cost", Heading: plain("Cost"), Lines: cost})
	if !l.Service.VisitsAtHome {
		travel := easyRow{Picture: "travel", Heading: plain("Getting there"), Lines: []text{
			plain("Do you need help to get there?"),
			join(plain("Call "), nav, plain(".")),
		}}
		if s := freeAll(l.Service.SupportToAttend); len(s) > 0 {
			travel.Lines = append([]text{plain("They can help you take part:")}, s...)
		}
		rows = append(rows, travel)
	}
	return rows
}

// closingRows say who to call, and that it is the person's choice.
func closingRows(l Letter) []easyRow {
	nav := free(l.Navigator.Name)
	ask := []text{plain("Do you have a question?"), join(plain("Call "), nav, plain(".")), join(plain("The number is "), phone(l.Navigator.Phone), plain("."))}
	if e := free(l.Navigator.Email); !e.empty() {
		ask = append(ask, join(plain("Or email "), e, plain(".")))
	}
	return []easyRow{
		{Picture: "question", Lines: ask},
		{Picture: "choice", Lines: []text{
			plain("It is your choice."),
			plain("You can say no."),
			plain("You can change your mind at any time."),
		}},
		{Picture: "yes", Lines: []text{
			plain("Saying no will not stop any other help you get."),
		}},
	}
}

// supportWords say, for each kind of communication support, who or what
// the person will have when the navigator or the service meets them.
var supportWords = map[string]string{
	"bsl_interpreter":        "a British Sign Language interpreter",
	"sign_supported_english": "a Sign Supported English interpreter",
	"lipspeaker":             "a lipspeaker",
	"speech_to_text":         "a speech-to-text reporter",
	"deafblind_manual":       "a deafblind manual interpreter",
	"deafblind_guide":        "a deafblind communicator guide",
	"hearing_loop":           "a hearing loop",
}

// supportRows tell the person about the interpreter or support they will
// have, so the letter shows the need wherever they are contacted.
func supportRows(needs person.Needs) []easyRow {
	var rows []easyRow
	if needs.Interpreter != "" {
		if lang := person.LanguageName(needs.Interpreter); lang != "" {
			rows = append(rows, easyRow{Picture: "interpreter", Lines: []text{
				plain("You need " + article(lang) + " " + lang + " interpreter."),
				plain("We will have one with us."),
			}})
		}
	}
	for _, k := range needs.Support {
		if k == "advocate" {
			rows = append(rows, easyRow{Picture: "agreed", Lines: []text{
				plain("You can have an advocate with you."),
				plain("An advocate helps you say what you want."),
			}})
			continue
		}
		if w, ok := supportWords[k]; ok {
			rows = append(rows, easyRow{Picture: "sign-language", Lines: []text{
				plain("We will have " + w + " when we meet you."),
			}})
		}
	}
	return rows
}

// article is "a" or "an" before a language name.
func article(word string) string {
	if word != "" && strings.ContainsRune("AEIOU", rune(word[0])) {
		return "an"
	}
	return "a"
}
