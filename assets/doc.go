// Package assets owns the directory of voluntary and community assets: the
// services a navigator can refer a person to. It holds the Service model that
// Kith's API returns and its validation; the fixed vocabularies (categories,
// support to attend, capacity, the seven relationships); import from Open
// Referral UK and HSDS 3.0 files (JSON, CSV tables, a zip of CSV tables);
// the open feed's ORUK documents; and the pure rules storage and pathways
// need: distance, bounding boxes, opening hours, eligibility, staleness and
// the search filters. It imports neither HTTP nor SQL and reads no clock.
//
// # Kith's fields in HSDS
//
// HSDS has no place for what matters about isolated people, so Kith carries
// its own fields as HSDS attributes whose taxonomy_term is in the taxonomy
// "kith" (taxonomy_term.taxonomy, or taxonomy_detail.name), with the value
// in taxonomy_term.code, or term, or name (read in that order; Kith writes
// all three) as "kind:value":
//
//	category:befriending               the service's category (one)
//	relationship:risk_factor           a relationship it helps with (any number)
//	support_to_attend:transport        a kind of support to attend (any number)
//	capacity:open                      open, waiting_list or full (one)
//	eligibility:carers_only            only for unpaid carers
//	gender:female                      only for women (or male)
//	condition:sight loss               a condition the service is for
//	interest:gardening                 an interest tag
//	accessibility:hearing loop         an accessibility note of a service with no location
//
// In CSV the same attributes are rows of attributes.csv (link_id the service
// id) pointing at rows of taxonomy_terms.csv. Everything else maps to HSDS
// fields: last_confirmed is assured_date; eligibility ages are minimum_age
// and maximum_age, its description eligibility_description and the area
// served service_areas[].name; accessibility notes are each location's
// accessibility[].description; languages are languages[].code.
//
// # Importing
//
// An import is all or nothing: any problem in any service refuses the whole
// file, listing every problem by its path ("contents[2].name") or CSV file
// and row ("services.csv[3].name", the header being row 1). Someone else's
// data is met halfway where Kith can do so safely, each time with a warning:
// impossible or non-UK coordinates, malformed UK postcodes, web and email
// addresses and unknown languages are left out; a missing category is
// inferred from the service's words (or information_and_advice), a missing
// capacity is taken as open, and missing relationships are pointed out.
// Postcodes of other countries are kept as given. Ids come from the file, so
// the same file can be imported again; a service without an id gets none.
// Imported services are not public until a lead publishes them.
package assets
