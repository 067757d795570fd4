-- What wrote each step's result, and its notice, move from the payloads onto the steps:
-- `report_payload.generated_by` becomes `steps.report.generated_by`, and so on, so a payload
-- holds only its content (charts_payload only charts). A row already moved matches no WHERE
-- clause, so running this again changes nothing.

UPDATE jobs
SET steps = jsonb_set(
        steps,
        '{report}',
        COALESCE(steps -> 'report', '{}'::jsonb) || jsonb_strip_nulls(jsonb_build_object(
            'generated_by', report_payload -> 'generated_by',
            'notice', report_payload -> 'notice'
        ))
    ),
    report_payload = report_payload - 'generated_by' - 'notice'
WHERE jsonb_typeof(report_payload) = 'object'
    AND (report_payload -> 'generated_by' IS NOT NULL OR report_payload -> 'notice' IS NOT NULL);

UPDATE jobs
SET steps = jsonb_set(
        steps,
        '{charts}',
        COALESCE(steps -> 'charts', '{}'::jsonb) || jsonb_strip_nulls(jsonb_build_object(
            'generated_by', charts_payload -> 'generated_by',
            'notice', charts_payload -> 'notice'
        ))
    ),
    charts_payload = charts_payload - 'generated_by' - 'notice'
WHERE jsonb_typeof(charts_payload) = 'object'
    AND (charts_payload -> 'generated_by' IS NOT NULL OR charts_payload -> 'notice' IS NOT NULL);

UPDATE jobs
SET steps = jsonb_set(
        steps,
        '{retirement}',
        COALESCE(steps -> 'retirement', '{}'::jsonb) || jsonb_strip_nulls(jsonb_build_object(
            'generated_by', retirement_payload -> 'generated_by',
            'notice', retirement_payload -> 'notice'
        ))
    ),
    retirement_payload = retirement_payload - 'generated_by' - 'notice'
WHERE jsonb_typeof(retirement_payload) = 'object'
    AND (retirement_payload -> 'generated_by' IS NOT NULL
        OR retirement_payload -> 'notice' IS NOT NULL);
