{{ config(**incremental_by_key('member_id')) }}

with

members as {{ not_materialized() }} (
    select * from {{ ref('base_crm__members') }}
),

{% if is_incremental() %}
    {# Kept up to date by key (docs/incremental.md): the keys with an export loaded since
       this model's last build get their winner chosen again among all their exports. #}
    keys_with_new_exports as (
        select member_id from members
        where {{ loaded_since_this() }}
    ),

    usable_members as (
        select * from members
        where
            reject_reason is null
            and member_id in (
                select keys_with_new_exports.member_id from keys_with_new_exports
            )
    ),
{% else %}
    usable_members as (
        select * from members
        where reject_reason is null
    ),
{% endif %}

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
        _row_number,
        {{ built_at() }} as _built_at
    from latest_exports
)

select * from final
