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

erased_identifiers as (
    select * from {{ ref('int_privacy_erased_identifiers') }}
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

{# An erased person's card keeps its (pseudonymous) staged row, without number or name. #}
final as (
    select
        joined.member_id,
        joined.member_card_pseudonym,
        joined.program,
        case when erased_identifiers.identifier_value is null then joined.member_card_no end
            as member_card_no,
        case
            when
                erased_identifiers.identifier_value is null
                and not {{ has_broken_encoding('joined.member_name') }}
                then joined.member_name
        end as member_name,
        erased_identifiers.identifier_value is not null as is_erased
    from joined
    left join erased_identifiers
        on
            erased_identifiers.identifier_type = 'member_card'
            and joined.member_card_pseudonym = erased_identifiers.identifier_value
)

select * from final
