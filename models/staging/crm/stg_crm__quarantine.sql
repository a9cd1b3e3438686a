{#
    Raw CRM rows that cannot be used, with the reason and where they came from. The key of a
    member is a card number, which is personal data, so record_id is the pseudonymised key
    (`<program>:<member_card_pseudonym>`, or the card's pseudonym alone without a programme).
#}
with

members as (
    select * from {{ ref('base_crm__members') }}
),

rejected_members as (
    select
        'crm.members' as source_table,
        coalesce(member_id, member_card_pseudonym) as record_id,
        reject_reason,
        _source_file,
        _row_number
    from members
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
    from rejected_members
)

select * from final
