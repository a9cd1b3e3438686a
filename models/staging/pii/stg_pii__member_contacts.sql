{#
    Restricted: the card number and name of each staged loyalty member, from the same raw row
    that `stg_crm__members` kept (its latest export), keyed like it.
#}
with

members as (
    select * from {{ ref('stg_crm__members') }}
),

raw_members as (
    select * from {{ source('crm', 'members') }}
),

joined as (
    select
        members.member_id,
        members.member_card_pseudonym,
        members.program,
        {{ clean_text(to_halfwidth('raw_members.member_card_no')) }} as member_card_no,
        {{ clean_text('raw_members.name') }} as member_name
    from members
    inner join raw_members
        on
            members._source_file = raw_members._source_file
            and members._row_number = raw_members._row_number
),

final as (
    select
        member_id,
        member_card_pseudonym,
        program,
        member_card_no,
        case when not {{ has_broken_encoding('member_name') }} then member_name end as member_name
    from joined
)

select * from final
