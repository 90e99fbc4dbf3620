package assets

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// Postcode is a postcode with the coordinates of its centroid, for the demo
// site's postcode lookup.
type Postcode struct {
	Postcode  string  `json:"postcode"`
	Latitude  float64 `json:"latitude"`
	Longitude float64 `json:"longitude"`
}

// demoPlace is a venue in Leeds. Venue names are invented; postcodes are
// real and the coordinates are close to their centroids.
type demoPlace struct {
	name, street, postcode string
	lat, lon               float64
}

var demoPlaces = []demoPlace{
	{"Kirkgate Community Rooms", "Vicar Lane", "LS2 7HY", 53.7972, -1.5403},
	{"City Square Resource Centre", "Infirmary Street", "LS1 4AP", 53.7966, -1.5467},
	{"Calverley Street Library Rooms", "Calverley Street", "LS1 3AB", 53.8001, -1.5490},
	{"Quarry Hill Studio", "Playhouse Square", "LS2 7UP", 53.7980, -1.5335},
	{"Woodhouse Lane Chaplaincy Hall", "Woodhouse Lane", "LS2 9JT", 53.8067, -1.5550},
	{"Brudenell Road Community Centre", "Brudenell Road", "LS6 1JD", 53.8129, -1.5702},
	{"Bennett Road Arts Hall", "Bennett Road", "LS6 3HN", 53.8222, -1.5780},
	{"Abbey Road Pavilion", "Abbey Road", "LS5 3EH", 53.8206, -1.6072},
	{"Chapeltown Road Resource Centre", "Chapeltown Road", "LS7 3EX", 53.8200, -1.5338},
	{"Chapel Allerton Healthy Living Rooms", "Chapeltown Road", "LS7 4SA", 53.8294, -1.5364},
	{"Beckett Street Wellbeing Hub", "Beckett Street", "LS9 7TF", 53.8070, -1.5203},
	{"Mansion Lane Lodge", "Mansion Lane", "LS8 2HH", 53.8370, -1.4985},
	{"Riverside Room", "Armouries Drive", "LS10 1LT", 53.7918, -1.5323},
	{"Elland Road Community Suite", "Elland Road", "LS11 0ES", 53.7777, -1.5721},
	{"Canal Road Mill Rooms", "Canal Road", "LS12 2QF", 53.8030, -1.5885},
	{"Broad Lane Baths Hall", "Broad Lane", "LS13 3DF", 53.8099, -1.6339},
	{"York Road Neighbourhood Centre", "York Road", "LS14 6UH", 53.8124, -1.4600},
	{"Station Road Hall", "Station Road", "LS15 8ET", 53.8058, -1.4493},
	{"Holtdale Active Centre", "Holtdale Approach", "LS16 7RX", 53.8578, -1.5988},
	{"Town Street Community Library", "Town Street", "LS18 5BL", 53.8410, -1.6364},
	{"High Street Town Hall Rooms", "High Street", "LS19 7PP", 53.8684, -1.6868},
	{"Queen Street Assembly Rooms", "Queen Street", "LS27 9DY", 53.7450, -1.6004},
	{"Dawsons Corner Civic Rooms", "Dawsons Corner", "LS28 5TA", 53.8122, -1.6730},
	{"Station Approach Hub", "New Station Street", "LS1 4DY", 53.7951, -1.5476},
	{"Civic Quarter Advice Centre", "Portland Crescent", "LS1 1UR", 53.8019, -1.5490},
}

// Extra postcodes for examples and tests, beyond those the venues use.
var demoExtraPostcodes = []Postcode{
	{"LS1 6NU", 53.8008, -1.5405},
	{"LS2 8NG", 53.8027, -1.5442},
}

// DemoPostcodes returns every postcode the demo directory uses, LS1 4AP (the
// contract's example), and a few more, with coordinates close to the real
// centroids. It is demo data: plausible, not authoritative.
func DemoPostcodes() []Postcode {
	out := make([]Postcode, 0, len(demoPlaces)+len(demoExtraPostcodes))
	for _, p := range demoPlaces {
		out = append(out, Postcode{p.postcode, p.lat, p.lon})
	}
	return append(out, demoExtraPostcodes...)
}

// Short names for the demo table below.
const (
	rRisk    = "risk_factor"
	rImpact  = "impact_factor"
	rMeans   = "means_of_abuse"
	rNeglect = "self_neglect"
	rCarers  = "carers"
	rFear    = "fear_of_isolation"
	rChosen  = "chosen_isolation"

	sFirst  = "accompanied_first_visit"
	sTrans  = "transport"
	sHome   = "home_visits"
	sPhone  = "by_phone"
	sOnline = "online"

	noPlace = -1
)

type demoSpec struct {
	name, org, category, desc string
	rels, support             []string
	capacity                  string
	place                     int
	sched                     []Schedule
	amount                    float64 // 0 is free
	costNote                  string
	langs                     []string
	minAge, maxAge            int
	carers                    bool
	gender                    string
	areas, conditions         []string
	access, interests         []string
	confirmedDaysAgo          int // 0: a recent date from the row number
}

func weekly(days, opens, closes string) Schedule {
	return Schedule{Freq: "WEEKLY", ByDay: days, OpensAt: opens, ClosesAt: closes}
}

func monthly(days, opens, closes string) Schedule {
	return Schedule{Freq: "MONTHLY", ByDay: days, OpensAt: opens, ClosesAt: closes}
}

func list(v ...string) []string { return v }

func scheds(v ...Schedule) []Schedule { return v }

var stepFree = list("Step-free access", "Accessible toilet")

// demoSpecs are invented services. Any likeness of a name to a real
// organisation is unintended.
var demoSpecs = []demoSpec{
	{name: "Abbey Fold Visiting Friends", org: "Abbey Fold Community Trust", category: "befriending",
		desc: "A trained volunteer visits you at home for a cup of tea and a chat every week, and can come with you to a local group when you feel ready.",
		rels: list(rRisk, rFear, rChosen), support: list(sHome, sFirst), place: 7, sched: scheds(weekly("MO,TU,WE,TH,FR", "09:30", "16:30")),
		langs: list("en"), minAge: 60, access: stepFree, interests: list("gardening", "reading")},
	{name: "Reginald Road Companions", org: "Chapeltown Elders Network", category: "befriending",
		desc: "Home visits by volunteers who speak Punjabi, Urdu and English, matched with care to the person visited.",
		rels: list(rRisk, rImpact, rFear), support: list(sHome, sFirst), place: 8, sched: scheds(weekly("TU,TH", "10:00", "15:00")),
		langs: list("en", "pa", "ur"), minAge: 55, access: list("Step-free access")},
	{name: "Seacroft Doorstep Friends", org: "East Leeds Neighbourhood Link", category: "befriending",
		desc: "Weekly befriending visits for older people living alone in Seacroft and Whinmoor. There is a short wait for a volunteer.",
		rels: list(rRisk, rNeglect), support: list(sHome), capacity: CapacityWaitingList, place: 16,
		sched: scheds(weekly("MO,WE,FR", "10:00", "16:00")), minAge: 65, areas: list("LS14", "LS15")},
	{name: "Morley Fireside Visitors", org: "Morley and District Elders Forum", category: "befriending",
		desc: "Friendly home visits, and a monthly outing by minibus for the people we visit.",
		rels: list(rRisk, rChosen), support: list(sHome, sTrans), place: 21,
		sched: scheds(weekly("TU,WE,TH", "10:00", "15:00"), monthly("1SA", "11:00", "15:00")), minAge: 65, interests: list("outings")},
	{name: "Aire Valley Friendly Callers", org: "Aire Valley Friendly Callers", category: "telephone_befriending",
		desc: "A friendly phone call at a time that suits you, once or twice a week, from the same volunteer each time. Phone only.",
		rels: list(rRisk, rFear, rChosen), support: list(sPhone), place: noPlace,
		sched: scheds(weekly("MO,TU,WE,TH,FR", "09:00", "20:00"), weekly("SA,SU", "10:00", "16:00")),
		langs: list("en", "pl"), access: list("Calls can be made through a relay service for people who are deaf")},
	{name: "Evening Chat Line for Polish Speakers", org: "Kasztan Polish Community Association", category: "telephone_befriending",
		desc: "Evening phone calls in Polish for older people who miss talking in their own language.",
		rels: list(rRisk, rImpact), support: list(sPhone), place: 22,
		sched: scheds(weekly("MO,WE,FR", "18:00", "21:00")), langs: list("pl", "en"), minAge: 50},
	{name: "Hyde Park Tuesday Lunch Club", org: "Brudenell Neighbours Association", category: "social_group",
		desc: "A hot two-course lunch and good company every Tuesday, with a quiz or music afterwards.",
		rels: list(rRisk), support: list(sFirst, sTrans), place: 5, sched: scheds(weekly("TU", "11:30", "14:30")),
		amount: 4.50, costNote: "£4.50 for lunch", access: list("Step-free access", "Hearing loop"), interests: list("music", "quizzes")},
	{name: "Broad Lane Coffee Morning", org: "Bramley Community Friends", category: "social_group",
		desc: "Drop in for coffee, cake and conversation. Newcomers are met at the door.",
		rels: list(rRisk, rImpact), support: list(sFirst), place: 15, sched: scheds(weekly("WE", "10:00", "12:00")),
		access: stepFree, costNote: "Free; donations welcome"},
	{name: "Station Road Tinkerers' Workshop", org: "Crossgates Workshop Collective", category: "social_group",
		desc: "A shared workshop where people, mostly older men, fix, make and chat. Tools and tea provided.",
		rels: list(rRisk, rChosen), support: list(sFirst), place: 17, sched: scheds(weekly("MO,TH", "10:00", "15:00")),
		amount: 2, costNote: "£2 a session towards materials", interests: list("woodwork", "repairs")},
	{name: "Canal Road Stitch Circle", org: "Armley Makers", category: "social_group",
		desc: "Knitting, sewing and crochet for all abilities, with materials to borrow.",
		rels: list(rRisk), support: list(sFirst), place: 14, sched: scheds(weekly("TH", "13:30", "15:30")),
		interests: list("crafts"), access: list("Step-free access")},
	{name: "Chapeltown Women's Sewing Circle", org: "Chapeltown Women's Collective", category: "social_group",
		desc: "A relaxed sewing and conversation group for women, with tea and a chance to practise English.",
		rels: list(rRisk, rMeans, rImpact), support: list(sFirst), place: 8, sched: scheds(weekly("WE", "10:00", "12:30")),
		langs: list("en", "ur", "bn", "ar", "so"), gender: GenderFemale, interests: list("crafts"), access: list("Women-only space", "Step-free access")},
	{name: "Town Street Reading Group", org: "Horsforth Reading Friends", category: "social_group",
		desc: "A monthly book group with large-print and audio copies, and a lift for anyone who needs one.",
		rels: list(rRisk), support: list(sTrans), place: 19, sched: scheds(monthly("2TU", "14:00", "15:30")),
		interests: list("reading"), access: list("Large-print books", "Step-free access")},
	{name: "Leeds North Community Connectors", org: "North Leeds Link Partnership", category: "community_navigator",
		desc: "A connector meets you, at home or nearby, to find out what matters to you and introduces you to local groups and help.",
		rels: list(rRisk, rImpact, rNeglect, rChosen), support: list(sHome, sFirst, sPhone), place: 9,
		sched: scheds(weekly("MO,TU,WE,TH,FR", "09:00", "17:00")), areas: list("LS6", "LS7", "LS16", "LS17")},
	{name: "South Leeds Link Workers", org: "South Leeds Community Health Partnership", category: "community_navigator",
		desc: "Link workers help people in Beeston, Holbeck, Hunslet and Middleton to find support, groups and activities.",
		rels: list(rRisk, rImpact, rCarers, rNeglect), support: list(sHome, sFirst, sPhone), place: 13,
		sched: scheds(weekly("MO,TU,WE,TH,FR", "09:00", "17:00")), areas: list("LS10", "LS11"), langs: list("en", "ro", "pl")},
	{name: "Bennett Road Carers' Cuppa", org: "Headingley Carers Circle", category: "carers_support",
		desc: "A monthly get-together for unpaid carers, with someone to sit with the person you care for if needed.",
		rels: list(rCarers), support: list(sFirst), place: 6, sched: scheds(monthly("1TH", "10:30", "12:30")), carers: true},
	{name: "Punjabi Carers Circle", org: "Sanjh Carers Group", category: "carers_support",
		desc: "Support, information and company for carers, in Punjabi and English.",
		rels: list(rCarers, rRisk), support: list(sFirst, sPhone), place: 9, sched: scheds(weekly("FR", "13:00", "15:00")),
		langs: list("pa", "en"), carers: true},
	{name: "Carers' Evening Support Line", org: "Leeds Carers Network Trust", category: "carers_support",
		desc: "A listening and advice line for unpaid carers, open in the evenings when caring is hardest.",
		rels: list(rCarers, rFear), support: list(sPhone), place: 24, sched: scheds(weekly("MO,TU,WE,TH", "18:00", "21:00")), carers: true},
	{name: "Sunday Sitting Service", org: "Leeds Carers Network Trust", category: "respite",
		desc: "A trained sitter stays with the person you care for on a Sunday afternoon so you can have a break.",
		rels: list(rCarers), support: list(sHome), capacity: CapacityWaitingList, place: 24, sched: scheds(weekly("SU", "13:00", "17:00")),
		amount: 12, costNote: "£12 an hour; help with the cost may be available", carers: true},
	{name: "Roundhay Day Break", org: "Roundhay Day Care Association", category: "respite",
		desc: "A day of activities and lunch for older people, giving their carers a regular break. Transport is included.",
		rels: list(rCarers, rRisk), support: list(sTrans), capacity: CapacityFull, place: 11, sched: scheds(weekly("TU,TH", "10:00", "15:30")),
		amount: 25, costNote: "£25 a day including lunch and transport", minAge: 65, access: stepFree},
	{name: "After the Scam Peer Group", org: "Safer Leeds Neighbours", category: "peer_support",
		desc: "A small group of people who have been scammed, meeting to share what happened and rebuild confidence. No blame.",
		rels: list(rImpact, rMeans, rFear), support: list(sFirst, sPhone), place: 2, sched: scheds(monthly("2WE", "14:00", "15:30"))},
	{name: "Sight Loss Peer Circle", org: "Leeds Low Vision Friends", category: "peer_support",
		desc: "People living with sight loss meet to share tips, try equipment and enjoy each other's company.",
		rels: list(rRisk, rImpact), support: list(sFirst, sTrans), place: 23, sched: scheds(weekly("TH", "10:00", "12:00")),
		conditions: list("sight loss"), access: list("Guiding on arrival", "Large print and audio information")},
	{name: "Dementia Carers Peer Cafe", org: "Memory Lane Friends of Leeds", category: "peer_support",
		desc: "A cafe for people caring for someone with dementia; the person cared for is welcome too.",
		rels: list(rCarers, rRisk), support: list(sFirst), place: 10, sched: scheds(monthly("3TU", "13:30", "15:30")),
		conditions: list("dementia"), access: list("Dementia-friendly venue", "Step-free access")},
	{name: "Low-cost Listening Rooms", org: "Leeds Talking Space", category: "counselling",
		desc: "Short-term counselling with a qualified counsellor, at a fee set by what you can pay.",
		rels: list(rImpact, rFear), support: list(sPhone, sOnline), capacity: CapacityWaitingList, place: 1,
		sched:  scheds(weekly("MO,TU,WE,TH", "09:00", "20:00"), weekly("SA", "09:00", "13:00")),
		amount: 10, costNote: "From £10 a session, by income", minAge: 18, access: list("Step-free access", "Hearing loop")},
	{name: "Later Life Counselling in Urdu and Punjabi", org: "Roshni Wellbeing Trust", category: "counselling",
		desc: "Free counselling for people over 50 in Urdu, Punjabi or English, at home or at our centre.",
		rels: list(rImpact, rFear, rMeans), support: list(sHome, sPhone), place: 8, sched: scheds(weekly("MO,WE,FR", "10:00", "16:00")),
		langs: list("ur", "pa", "en"), minAge: 50},
	{name: "Leeds Harm Recovery Service", org: "West Riding Recovery Partnership", category: "victim_support",
		desc: "Practical and emotional support after crime or abuse, including help through the police and courts.",
		rels: list(rImpact, rMeans, rFear), support: list(sHome, sPhone, sFirst), place: 24, sched: scheds(weekly("MO,TU,WE,TH,FR", "09:00", "17:00")),
		langs: list("en", "pl", "ro")},
	{name: "Hate Incident Support Point", org: "Leeds Community Safety Forum", category: "victim_support",
		desc: "Report a hate incident in confidence and get support, with interpreters on request.",
		rels: list(rImpact, rFear), support: list(sPhone, sOnline), place: 0, sched: scheds(weekly("TU,TH", "12:00", "18:00")),
		langs: list("en", "ur", "ar", "so")},
	{name: "Safe at Home Older Women's Service", org: "Leeds Women's Safety Trust", category: "domestic_abuse_service",
		desc: "Specialist support for women over 50 living with domestic abuse, including from adult children or a partner who is also a carer.",
		rels: list(rMeans, rFear, rImpact), support: list(sPhone, sHome), place: 3,
		sched:  scheds(weekly("MO,TU,WE,TH,FR", "09:00", "17:00"), weekly("WE", "17:00", "20:00")),
		gender: GenderFemale, minAge: 50, langs: list("en", "ur", "pa", "bn"), access: list("Women-only space")},
	{name: "Domestic Abuse Advice Surgery", org: "Aire Domestic Abuse Partnership", category: "domestic_abuse_service",
		desc: "A confidential drop-in with an independent domestic violence adviser.",
		rels: list(rMeans, rFear), support: list(sPhone), place: 12, sched: scheds(weekly("TH", "10:00", "13:00"))},
	{name: "Scam Shield Home Checks", org: "Safer Leeds Neighbours", category: "scam_prevention",
		desc: "A volunteer visits to fit a call blocker, sort scam mail and talk through how scammers work.",
		rels: list(rMeans, rFear, rRisk), support: list(sHome, sPhone), place: 2, sched: scheds(weekly("MO,TU,WE,TH,FR", "10:00", "16:00")), minAge: 60},
	{name: "Doorstep Crime Awareness Talks", org: "Leeds Community Safety Forum", category: "scam_prevention",
		desc: "Short friendly talks at community venues on doorstep crime, rogue traders and phone scams.",
		rels: list(rMeans), support: list(sFirst), place: 0, sched: scheds(monthly("1MO", "14:00", "15:00"))},
	{name: "Independent Voice Advocacy", org: "Leeds Independent Voice", category: "advocacy",
		desc: "Independent advocates help people be heard in decisions about their care, money and safety.",
		rels: list(rMeans, rFear, rNeglect), support: list(sHome, sPhone), place: 24, sched: scheds(weekly("MO,TU,WE,TH,FR", "09:00", "17:00"))},
	{name: "Care Home Visiting Advocates", org: "Leeds Independent Voice", category: "advocacy",
		desc: "Volunteer advocates visit people in care homes who have few visitors, and speak up for what they want.",
		rels: list(rMeans, rRisk), support: list(sHome), place: 24, sched: scheds(weekly("TU,TH", "10:00", "16:00")),
		minAge: 65},
	{name: "Clear Space Hoarding Support", org: "Clear Space Leeds", category: "hoarding_support",
		desc: "Patient, non-judgemental help at home to sort, let go and stay safe, at the person's own pace.",
		rels: list(rNeglect), support: list(sHome), capacity: CapacityWaitingList, place: 14, sched: scheds(weekly("MO,TU,WE,TH", "09:30", "16:30"))},
	{name: "Hoarding Support Group", org: "Clear Space Leeds", category: "hoarding_support",
		desc: "A monthly group for people who find it hard to let things go, and for their families.",
		rels: list(rNeglect, rChosen), support: list(sFirst, sOnline), place: 14, sched: scheds(monthly("-1TH", "18:00", "19:30"))},
	{name: "Handy Hands Small Repairs", org: "Handy Hands Leeds", category: "practical_help",
		desc: "Small repairs, grab rails and safety checks at home by vetted volunteers. You pay for materials only.",
		rels: list(rNeglect, rChosen, rRisk), support: list(sHome), place: 12, sched: scheds(weekly("MO,TU,WE,TH,FR", "08:30", "16:00")),
		amount: 5, costNote: "£5 call-out plus materials", minAge: 60},
	{name: "Shopping and Prescriptions Run", org: "North West Leeds Helping Hands", category: "practical_help",
		desc: "Volunteers collect shopping and prescriptions for people who cannot get out, and stop for a chat.",
		rels: list(rNeglect, rChosen, rRisk), support: list(sHome, sPhone), place: 19, sched: scheds(weekly("TU,FR", "09:00", "13:00")),
		areas: list("LS16", "LS18", "LS19")},
	{name: "Garden Rescue Volunteers", org: "Leeds Green Hands", category: "practical_help",
		desc: "Volunteers tidy overgrown gardens for older and disabled people. Full until spring.",
		rels: list(rNeglect), support: list(sHome), capacity: CapacityFull, place: 18, sched: scheds(weekly("SA", "09:00", "13:00")),
		interests: list("gardening"), confirmedDaysAgo: 290},
	{name: "Home Fire Safety Check Volunteers", org: "Leeds Safe Homes Partnership", category: "fire_safety_visit",
		desc: "A free home visit to check smoke alarms, heaters, cooking and escape routes, and to fit alarms where needed.",
		rels: list(rNeglect, rRisk, rChosen), support: list(sHome), place: 10, sched: scheds(weekly("MO,TU,WE,TH,FR", "09:00", "17:00"))},
	{name: "Wheels to Friends Minibus", org: "Leeds Community Wheels", category: "transport",
		desc: "A door-to-door accessible minibus to lunch clubs, groups, shops and appointments. Book a day ahead.",
		rels: list(rRisk), support: list(sTrans), place: 17, sched: scheds(weekly("MO,TU,WE,TH,FR", "08:00", "18:00")),
		amount: 2.50, costNote: "£2.50 a single journey", access: list("Wheelchair accessible vehicles")},
	{name: "Volunteer Car Scheme North West Leeds", org: "North West Leeds Helping Hands", category: "transport",
		desc: "Volunteer drivers take you to appointments, groups and to visit friends.",
		rels: list(rRisk, rCarers), support: list(sTrans), capacity: CapacityWaitingList, place: 20,
		sched: scheds(weekly("MO,TU,WE,TH,FR", "09:00", "17:00")), amount: 0.45, costNote: "45p a mile",
		areas: list("LS16", "LS18", "LS19", "LS20")},
	{name: "Tablet Buddies", org: "Connected Leeds", category: "digital_inclusion",
		desc: "A volunteer helps you at home to video call family, order shopping and stay safe online. Tablets can be lent.",
		rels: list(rRisk, rChosen, rMeans), support: list(sHome, sOnline, sPhone), place: 2, sched: scheds(weekly("MO,WE,FR", "10:00", "16:00")),
		langs: list("en", "pl", "zh"), interests: list("technology")},
	{name: "Library Computer Club for Beginners", org: "Connected Leeds", category: "digital_inclusion",
		desc: "Learn to use a computer, phone or tablet at your own pace in a friendly group.",
		rels: list(rRisk, rChosen), support: list(sFirst), place: 2, sched: scheds(weekly("TU", "14:00", "16:00")),
		access: list("Step-free access", "Large-print keyboards"), interests: list("technology")},
	{name: "Later Life Mental Wellbeing Drop-in", org: "Mindful Leeds Elders", category: "mental_health",
		desc: "A drop-in for older people feeling low or anxious, with a practitioner to talk to.",
		rels: list(rImpact, rNeglect, rRisk), support: list(sFirst, sPhone), place: 10, sched: scheds(weekly("WE", "13:00", "16:00")),
		minAge: 60},
	{name: "Calm Minds Evening Group", org: "Mindful Leeds Elders", category: "mental_health",
		desc: "An evening peer-led group for people living with anxiety or depression.",
		rels: list(rImpact, rChosen), support: list(sOnline, sFirst), capacity: CapacityFull, place: 4,
		sched: scheds(weekly("TH", "18:30", "20:00"))},
	{name: "Empty Chair Bereavement Cafe", org: "Empty Chair Friends", category: "bereavement_support",
		desc: "A warm place to talk about someone who has died, or just to sit with others who understand.",
		rels: list(rRisk, rImpact), support: list(sFirst), place: 6, sched: scheds(monthly("1WE,3WE", "14:00", "16:00"))},
	{name: "Widowers' Walk and Talk", org: "Empty Chair Friends", category: "bereavement_support",
		desc: "A gentle walk and a pub lunch for men who have lost a partner.",
		rels: list(rRisk, rImpact), support: list(sFirst), place: 11, sched: scheds(weekly("SA", "10:00", "13:00")),
		gender: GenderMale, interests: list("walking")},
	{name: "Friends Together Social", org: "Together Leeds Learning Disability Network", category: "learning_disability_support",
		desc: "Evening social club for adults with a learning disability, with staff support and easy-read information.",
		rels: list(rRisk, rMeans), support: list(sFirst, sTrans), place: 15, sched: scheds(weekly("FR", "18:00", "21:00")),
		amount: 3, costNote: "£3 a session", minAge: 18, conditions: list("learning disability"), access: list("Easy-read information", "Changing Places toilet")},
	{name: "Safe Places and Mate Crime Awareness", org: "Together Leeds Learning Disability Network", category: "learning_disability_support",
		desc: "Workshops on staying safe from people who pretend to be friends, and a network of safe places in the city centre.",
		rels: list(rMeans, rFear), support: list(sFirst), capacity: CapacityFull, place: 23, sched: scheds(monthly("2MO", "13:00", "15:00")),
		conditions: list("learning disability"), access: list("Easy-read information")},
	{name: "Sangat Elders' Lunch", org: "Harmony Elders Association", category: "faith_and_cultural_groups",
		desc: "A vegetarian lunch and kirtan for elders of any faith, in Punjabi and English.",
		rels: list(rRisk), support: list(sTrans, sFirst), place: 9, sched: scheds(weekly("SU", "12:00", "15:00")),
		langs: list("pa", "en"), minAge: 60},
	{name: "Noor Elders Circle", org: "Noor Community Association", category: "faith_and_cultural_groups",
		desc: "Friday afternoon tea, talks and company for older men and women after prayers.",
		rels: list(rRisk, rImpact), support: list(sFirst), place: 10, sched: scheds(weekly("FR", "14:00", "16:30")),
		langs: list("ur", "ar", "so", "bn", "en"), minAge: 55, access: list("Separate women's room")},
	{name: "St Agatha's Afternoon Fellowship", org: "St Agatha's Parish Hall Committee", category: "faith_and_cultural_groups",
		desc: "Hymns, tea and conversation on Wednesday afternoons. Everyone is welcome, with or without faith.",
		rels: list(rRisk), support: list(sTrans), place: 19, sched: scheds(weekly("WE", "14:00", "16:00")),
		access: list("Step-free access", "Hearing loop"), confirmedDaysAgo: 240},
	{name: "Chinese Elders Mah-jong Afternoon", org: "Leeds Chinese Elders Club", category: "faith_and_cultural_groups",
		desc: "Mah-jong, tea and festival celebrations for Chinese elders.",
		rels: list(rRisk, rChosen), support: list(sFirst), place: 0, sched: scheds(weekly("SA", "13:00", "17:00")),
		langs: list("zh", "yue", "en"), minAge: 55, interests: list("games")},
	{name: "Romanian Sunday Table", org: "Casa Noastra Leeds", category: "faith_and_cultural_groups",
		desc: "A shared Sunday meal and help with letters and forms for Romanian speakers.",
		rels: list(rRisk, rMeans), support: list(sFirst), place: 13, sched: scheds(weekly("SU", "13:00", "16:00")),
		langs: list("ro", "en")},
	{name: "Chair Yoga at Holt Park", org: "Gentle Moves Leeds", category: "physical_activity",
		desc: "Seated yoga to improve balance, strength and breathing. No experience needed.",
		rels: list(rRisk), support: list(sFirst), place: 18, sched: scheds(weekly("MO,TH", "11:00", "12:00")),
		amount: 3, costNote: "£3 a class", minAge: 50, access: stepFree, interests: list("yoga")},
	{name: "Walking Football for Over-50s", org: "Elland Road Community Sport", category: "physical_activity",
		desc: "Slow-paced football for men and women over 50, followed by a brew.",
		rels: list(rRisk, rImpact), support: list(sFirst), place: 13, sched: scheds(weekly("WE", "10:00", "11:30")),
		amount: 2, costNote: "£2 a session", minAge: 50, interests: list("football")},
	{name: "Roundhay Park Gentle Strollers", org: "Gentle Moves Leeds", category: "physical_activity",
		desc: "A short, slow, led walk around the park with a cafe stop. Walking aids welcome.",
		rels: list(rRisk, rChosen), support: list(sFirst), place: 11, sched: scheds(weekly("TU", "10:30", "11:30")),
		interests: list("walking")},
	{name: "Swim Together Women's Session", org: "Broad Lane Swimming Friends", category: "physical_activity",
		desc: "A women-only swim with female staff and a quiet changing room.",
		rels: list(rRisk, rMeans), support: list(sFirst), place: 15, sched: scheds(weekly("SU", "17:00", "18:30")),
		amount: 3.50, costNote: "£3.50 a swim", gender: GenderFemale, langs: list("en", "ur"), interests: list("swimming"),
		access: list("Pool hoist", "Women-only session")},
	{name: "Give Back Volunteering Hub", org: "Volunteer Leeds Together", category: "volunteering",
		desc: "Find a volunteering role that suits you, from a few hours a month, with someone to go with you the first time.",
		rels: list(rRisk, rImpact), support: list(sFirst, sPhone), place: 24, sched: scheds(weekly("MO,TU,WE,TH,FR", "10:00", "16:00"))},
	{name: "Repair Cafe Volunteers", org: "Crossgates Workshop Collective", category: "volunteering",
		desc: "Help mend toasters, lamps and clothes at a monthly repair cafe, and pass on your skills.",
		rels: list(rRisk, rChosen), support: list(sFirst), place: 17, sched: scheds(monthly("1SA", "10:00", "13:00")),
		interests: list("repairs")},
	{name: "Community Garden Growers", org: "Leeds Green Hands", category: "volunteering",
		desc: "Grow fruit and vegetables with others in a raised-bed community garden. Tools and gloves provided.",
		rels: list(rRisk, rImpact), support: list(sFirst), place: 7, sched: scheds(weekly("TU,SA", "10:00", "13:00")),
		access: list("Raised beds for wheelchair users"), interests: list("gardening")},
	{name: "Later Life Advice Line", org: "Leeds Later Life Advice", category: "information_and_advice",
		desc: "Free, confidential advice by phone on money, benefits, housing and care for people over 60 and their families.",
		rels: list(rChosen, rMeans, rCarers), support: list(sPhone), place: 24, sched: scheds(weekly("MO,TU,WE,TH,FR", "09:00", "17:00")),
		minAge: 60},
	{name: "Pension and Benefits Advice Surgery", org: "Leeds Later Life Advice", category: "information_and_advice",
		desc: "Face-to-face help to check you get every benefit you are entitled to, with help filling in forms.",
		rels: list(rChosen, rNeglect), support: list(sHome, sFirst), place: 22, sched: scheds(weekly("TH", "09:30", "12:30"))},
	{name: "Money Worries Drop-in", org: "Leeds Community Money Advice", category: "information_and_advice",
		desc: "Talk in confidence about debts, unexpected bills or money going missing, and get help to protect your money.",
		rels: list(rMeans, rChosen), support: list(sPhone, sFirst), place: 1, sched: scheds(weekly("MO,WE", "10:00", "14:00")),
		langs: list("en", "pl", "ro")},
	{name: "Older People's Information Hub", org: "Leeds Later Life Advice", category: "information_and_advice",
		desc: "Information about local groups, care, housing and getting out and about, in person or by phone.",
		rels: list(rChosen, rRisk), support: list(sPhone), place: 23, sched: scheds(weekly("MO,TU,WE,TH,FR", "09:30", "16:30"))},
	{name: "Polish Welfare Advice", org: "Kasztan Polish Community Association", category: "information_and_advice",
		desc: "Advice in Polish on benefits, pensions, housing and health services.",
		rels: list(rChosen, rMeans), support: list(sPhone, sFirst), place: 22, sched: scheds(weekly("SA", "10:00", "13:00")),
		langs: list("pl")},
}

// demoPeople are invented contact names.
var demoPeople = []string{
	"Ruth Ellery", "Imran Haq", "Gosia Nowak", "Dev Sandhu", "Maureen Pickles", "Abdi Warsame", "Lena Birch",
	"Tom Oduya", "Priya Lal", "Colin Marsh", "Ana Popescu", "Wei Chen", "Nasreen Akhtar", "Frank Dyson",
}

// demoDate is the day DemoServices dates its entries from, so that its
// output never changes.
var demoDate = time.Date(2026, time.November, 1, 12, 0, 0, 0, time.UTC)

// DemoServices returns the demo site's directory: 65 invented services
// across Leeds, covering every relationship and category, dated as of
// 1 November 2026. Two are stale (last confirmed over six months earlier)
// and one, a telephone service, has no location. The result is the same on
// every call.
func DemoServices() []Service { return DemoServicesAt(demoDate) }

// DemoServicesAt is DemoServices with last-confirmed dates counted back from
// today, for seeding a demo that stays fresh (the same two stay stale).
func DemoServicesAt(today time.Time) []Service {
	out := make([]Service, 0, len(demoSpecs))
	for i, d := range demoSpecs {
		out = append(out, d.service(i, today))
	}
	return out
}

func (d demoSpec) service(i int, today time.Time) Service {
	n := i + 1
	slug := slugify(d.org)
	days := d.confirmedDaysAgo
	if days == 0 {
		days = 7 + (i*37)%120
	}
	s := Service{
		ID:          fmt.Sprintf("demo-svc-%03d", n),
		Name:        d.name,
		Description: d.desc,
		URL:         fmt.Sprintf("https://%s.example/", slug),
		Email:       fmt.Sprintf("hello@%s.example", slug),
		Status:      StatusActive,
		Organization: Organization{
			ID: "demo-org-" + slug, Name: d.org, Website: fmt.Sprintf("https://%s.example/", slug),
			Description: "A community organisation in Leeds (demo data).",
		},
		Contacts: []Contact{{
			Name: demoPeople[i%len(demoPeople)], Title: "Coordinator",
			Email: fmt.Sprintf("coordinator@%s.example", slug), Phone: demoPhone(n),
		}},
		Phones:          []Phone{{Number: demoPhone(n), Description: "Main number"}},
		Schedules:       slices.Clone(d.sched),
		Cost:            Cost{Free: d.amount == 0, Description: d.costNote},
		Languages:       slices.Clone(d.langs),
		Accessibility:   slices.Clone(d.access),
		Relationships:   slices.Clone(d.rels),
		Category:        d.category,
		SupportToAttend: slices.Clone(d.support),
		Capacity:        d.capacity,
		LastConfirmed:   today.AddDate(0, 0, -days).Format(time.DateOnly),
		Public:          true,
		Interests:       slices.Clone(d.interests),
		Eligibility: Eligibility{
			CarersOnly: d.carers, Gender: d.gender, AreaServed: slices.Clone(d.areas), Conditions: slices.Clone(d.conditions),
		},
	}
	if s.Capacity == "" {
		s.Capacity = CapacityOpen
	}
	if len(s.Languages) == 0 {
		s.Languages = []string{"en"}
	}
	if d.amount > 0 {
		a := d.amount
		s.Cost.Amount, s.Cost.Currency = &a, "GBP"
	}
	if d.minAge > 0 {
		a := d.minAge
		s.Eligibility.MinimumAge = &a
		s.Eligibility.Description = fmt.Sprintf("For people aged %d and over.", a)
	}
	if d.carers {
		s.Eligibility.Description = strings.TrimSpace(s.Eligibility.Description + " For unpaid carers.")
	}
	if d.place != noPlace {
		p := demoPlaces[d.place]
		lat, lon := p.lat, p.lon
		s.Locations = []Location{{
			ID: fmt.Sprintf("demo-loc-%02d", d.place+1), Name: p.name,
			Address1: p.street, City: "Leeds", Region: "West Yorkshire", PostalCode: p.postcode, Country: "GB",
			Latitude: &lat, Longitude: &lon,
		}}
	}
	Normalize(&s)
	return s
}

// demoPhone returns a number from the range Ofcom keeps for drama in Leeds,
// so a demo number never rings anyone.
func demoPhone(n int) string { return fmt.Sprintf("0113 496 0%03d", n) }

func slugify(s string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(s) {
		switch {
		case r >= 'a' && r <= 'z' || r >= '0' && r <= '9':
			b.WriteRune(r)
			dash = false
		case !dash && b.Len() > 0:
			b.WriteByte('-')
			dash = true
		}
	}
	return strings.TrimSuffix(b.String(), "-")
}
