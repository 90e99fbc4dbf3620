// Package screening owns what a visitor's screening means: the fixed
// vocabulary (the seven relationships between isolation and safeguarding, the
// indicators, the validated instruments with their published wording), the
// scoring of each instrument exactly as published, the relationship levels
// from versioned rules kept as data, loneliness and isolation kept apart, and
// the safeguarding decision that follows the public duty and nothing else.
//
// It is pure Go: no HTTP, no storage, no clock. The same request and options
// always give the same result, byte for byte, so a stored result can be
// reproduced and a pilot's figures checked. The web layer decodes a Request,
// checks its struct tags, and calls Assess; storage assigns the id and, for a
// concern, the reference.
package screening
