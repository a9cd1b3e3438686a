{#
    Raw survey rows that cannot be used, with the reason and where they came from. Only the
    response id is kept, so the quarantine holds no personal data.
#}
with

responses as (
    select * from {{ ref('base_survey__responses') }}
),

rejected_responses as (
    select
        'survey.responses' as source_table,
        response_id as record_id,
        reject_reason,
        _source_file,
        _row_number
    from responses
    where reject_reason is not null
),

final as (
    select
        {{ quarantine_id() }} as quarantine_id,
        source_table,
        record_id,
        reject_reason,
        _source_file,
        _row_number
    from rejected_responses
)

select * from final
