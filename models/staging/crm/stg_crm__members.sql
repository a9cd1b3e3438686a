with

members as (
    select * from {{ ref('base_crm__members') }}
),

usable_members as (
    select * from members
    where reject_reason is null
),

{# Each export repeats every card; its latest state is the one with the newest updated_at. #}
latest_exports as (
    select * from usable_members
    qualify row_number() over (
        partition by member_id
        order by {{ newest_export_first() }}
    ) = 1
),

final as (
    select
        -- ids
        member_id,
        member_card_pseudonym,
        phone_pseudonym,
        unionid_pseudonym,
        member_consignee_pseudonym,
        enrolled_store_id,

        -- strings
        program,
        phone_invalid_reason,
        gender,
        tier,
        status,

        -- booleans
        has_broken_encoding,

        -- dates
        birth_date,

        -- timestamps
        enrolled_at,
        updated_at,

        -- lineage
        _source_file,
        _row_number
    from latest_exports
)

select * from final
