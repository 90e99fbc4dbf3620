-- A new screening and its relationship rows are counted into
-- report_screenings, report_relationships and report_gaps by the code that
-- stores the screening (sqlite/screenings.go, countScreening), one
-- multi-row upsert per table, instead of by triggers: the triggers' view
-- lookups, one per relationship row, made about a quarter of a submission's
-- cost in the one writer. What is counted is what the views
-- report_screening_rows and report_relationship_rows say
-- (TestSummaryAggregatesMatchRows and TestRebuildMatchesTriggers check it).
-- Updates and deletes are still counted by the triggers of 0008, and the
-- rebuild and the filling of an upgraded database still read the views.
DROP TRIGGER report_screenings_insert;
DROP TRIGGER report_relationships_insert;
DROP TRIGGER report_gaps_insert;
