{#
    Raw CRM rows that cannot be used, with the reason and where they came from. The key of a
    member is a card number, which is personal data, so record_id stays null here: the raw
    row is found again through _source_file and _row_number.
#}
with

members as (
    select * from {{ ref('base_crm__members') }}
),

rejected_members as (
    select
        'crm.members' as source_table,
        cast(null as {{ dbt.type_string() }}) as record_id,
        reject_reason,
        _source_file,
        _row_number
    from members
    where reject_reason is not null
),

final as (
    select
        {{ dbt.concat([
            "source_table", "':'", "cast(_row_number as " ~ dbt.type_string() ~ ")"
        ]) }} as quarantine_id,
        source_table,
        record_id,
        reject_reason,
        _source_file,
        _row_number
    from rejected_members
)

select * from final
