// Package fhir renders a Kith referral as an HL7 FHIR R4 Task under the
// Gravity Project's SDOH Clinical Care profile "SDOHCC Task For Referral
// Management", with the ServiceRequest it fulfils, the person and the
// council contained in it. It is pure: no storage, no HTTP.
package fhir

import (
	"strings"
	"time"

	"github.com/kith-project/kith/referral"
)

// Profile is the canonical URL of the profile every Task claims.
const Profile = "http://hl7.org/fhir/us/sdoh-clinicalcare/StructureDefinition/SDOHCC-TaskForReferralManagement"

// Code systems.
const (
	TaskCodeSystem = "http://hl7.org/fhir/CodeSystem/task-code"
	SNOMED         = "http://snomed.info/sct"
	// SnomedReferralToSocialPrescribing is "Referral to social prescribing
	// service (procedure)", the ServiceRequest's code.
	SnomedReferralToSocialPrescribing = "871731000000106"
)

// Coding, CodeableConcept, Reference, Identifier and Meta are FHIR's
// datatypes, with only the elements Kith fills.
type Coding struct {
	System  string `json:"system,omitempty"`
	Code    string `json:"code"`
	Display string `json:"display,omitempty"`
}

type CodeableConcept struct {
	Coding []Coding `json:"coding,omitempty"`
	Text   string   `json:"text,omitempty"`
}

type Reference struct {
	Reference  string      `json:"reference,omitempty"`
	Type       string      `json:"type,omitempty"`
	Identifier *Identifier `json:"identifier,omitempty"`
	Display    string      `json:"display,omitempty"`
}

type Identifier struct {
	System string `json:"system"`
	Value  string `json:"value"`
}

type Meta struct {
	Profile     []string `json:"profile"`
	LastUpdated string   `json:"lastUpdated,omitempty"`
}

type HumanName struct {
	Text string `json:"text"`
}

// Resource is a contained resource: a ServiceRequest, Patient or
// Organization.
type Resource struct {
	ResourceType string           `json:"resourceType"`
	ID           string           `json:"id"`
	Status       string           `json:"status,omitempty"`
	Intent       string           `json:"intent,omitempty"`
	Code         *CodeableConcept `json:"code,omitempty"`
	Subject      *Reference       `json:"subject,omitempty"`
	Requester    *Reference       `json:"requester,omitempty"`
	AuthoredOn   string           `json:"authoredOn,omitempty"`
	Name         any              `json:"name,omitempty"`
}

// Task is the referral.
type Task struct {
	ResourceType   string           `json:"resourceType"`
	ID             string           `json:"id"`
	Meta           Meta             `json:"meta"`
	Contained      []Resource       `json:"contained"`
	Identifier     []Identifier     `json:"identifier"`
	Status         string           `json:"status"`
	StatusReason   *CodeableConcept `json:"statusReason,omitempty"`
	BusinessStatus CodeableConcept  `json:"businessStatus"`
	Intent         string           `json:"intent"`
	Priority       string           `json:"priority"`
	Code           CodeableConcept  `json:"code"`
	Focus          Reference        `json:"focus"`
	For            Reference        `json:"for"`
	AuthoredOn     string           `json:"authoredOn"`
	LastModified   string           `json:"lastModified"`
	Requester      Reference        `json:"requester"`
	Owner          Reference        `json:"owner"`
}

// TaskInput is what a Task is made from.
type TaskInput struct {
	Referral referral.Referral // with its history, oldest first
	// BaseURL is the instance's address: Kith's identifier systems and
	// its code system for referral states live under it.
	BaseURL  string
	SiteID   string
	SiteName string
}

// stateWords are Kith's referral states in words, Task.businessStatus's
// display.
var stateWords = map[referral.State]string{
	referral.New: "New, waiting for a navigator", referral.Assigned: "Assigned to a navigator",
	referral.Contacted: "The navigator has spoken with the person", referral.Sent: "Sent to the service",
	referral.Accepted: "Accepted by the service", referral.Declined: "Declined by the service",
	referral.Expired: "Expired without an answer from the service", referral.Engaged: "The person is taking part",
	referral.Closed: "Closed", referral.Withdrawn: "Withdrawn", referral.Rerouted: "Sent to another service instead",
	referral.Escalated: "Passed to the safeguarding team",
}

// StateWords says a referral state in words.
func StateWords(s referral.State) string { return stateWords[s] }

// ReferralTask renders the referral as a Task.
func ReferralTask(in TaskInput) Task {
	r := in.Referral
	base := strings.TrimRight(in.BaseURL, "/")
	status := referral.TaskStatusOf(r.History)
	authored := r.CreatedAt.UTC().Format(time.RFC3339)
	priority := "routine"
	if r.Safeguarding {
		priority = "urgent"
	}
	council := Reference{Reference: "#council", Display: in.SiteName}
	t := Task{
		ResourceType: "Task", ID: r.ID,
		Meta: Meta{Profile: []string{Profile}, LastUpdated: r.UpdatedAt.UTC().Format(time.RFC3339)},
		Contained: []Resource{
			{ResourceType: "ServiceRequest", ID: "request", Status: requestStatus(status), Intent: "order",
				Code:    &CodeableConcept{Coding: []Coding{{System: SNOMED, Code: SnomedReferralToSocialPrescribing, Display: "Referral to social prescribing service"}}},
				Subject: &Reference{Reference: "#person"}, Requester: &council, AuthoredOn: authored},
			{ResourceType: "Patient", ID: "person", Name: []HumanName{{Text: r.PersonName}}},
			{ResourceType: "Organization", ID: "council", Name: in.SiteName},
		},
		Identifier: []Identifier{{System: base + "/fhir/sid/referral", Value: r.ID}},
		Status:     status,
		BusinessStatus: CodeableConcept{Coding: []Coding{{System: base + "/fhir/CodeSystem/referral-state", Code: string(r.State), Display: stateWords[r.State]}},
			Text: stateWords[r.State]},
		Intent: "order", Priority: priority,
		Code:       CodeableConcept{Coding: []Coding{{System: TaskCodeSystem, Code: "fulfill", Display: "Fulfill the focal request"}}},
		Focus:      Reference{Reference: "#request"},
		For:        Reference{Reference: "#person", Display: r.PersonName},
		AuthoredOn: authored, LastModified: r.UpdatedAt.UTC().Format(time.RFC3339),
		Requester: council,
		Owner: Reference{Type: "HealthcareService", Identifier: &Identifier{System: base + "/fhir/sid/service", Value: r.ServiceID},
			Display: r.ServiceName},
	}
	if why := statusReason(r.History, status); why != "" {
		t.StatusReason = &CodeableConcept{Text: why}
	}
	return t
}

// statusReason is the words of the move that made the Task rejected or
// cancelled (the profile asks for them whenever the status is rejected,
// cancelled, on-hold or failed).
func statusReason(h []referral.Entry, status string) string {
	if status != referral.TaskRejected && status != referral.TaskCancelled {
		return ""
	}
	cur := referral.TaskDraft
	why := ""
	for _, e := range h {
		next := referral.TaskStatusAfter(cur, e.From, e.To)
		if next != cur {
			why = referral.TaskStatusReason(e)
		}
		cur = next
	}
	return why
}

// requestStatus is the contained ServiceRequest's status (FHIR's
// request-status) for the Task's: the request is active while the Task can
// still be worked, completed with it, and revoked when it was rejected or
// cancelled.
func requestStatus(task string) string {
	switch task {
	case referral.TaskDraft:
		return "draft"
	case referral.TaskCompleted:
		return "completed"
	case referral.TaskRejected, referral.TaskCancelled:
		return "revoked"
	}
	return "active"
}
