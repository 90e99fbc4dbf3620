// Package person owns the rules of a person record: who someone is within a
// site (name, date of birth or an age, NHS number, address, phone, languages),
// the communication needs the Accessible Information Standard (DCB1605) asks
// to be recorded as coded data, the optional characteristics the national
// Safeguarding Adults Collection counts, how a new person is matched against
// the people a site already holds without showing anyone's details, and what
// a merge of two records produces and how it is undone.
//
// It is a domain package: it imports neither Echo nor database/sql, and every
// function here is pure. The codes and their sources are in docs/person.md.
package person
