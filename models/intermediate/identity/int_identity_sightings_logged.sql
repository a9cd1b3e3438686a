{#- Every identifier carried by every staged record, typed and scoped, and on DuckDB a log of
    the ones that left a record. The import CTEs are the only place that knows staging's column
    names. Mini-store buyers and WeChat coupons carry an openid without its appid: it is the
    mini-program's (a retailer sets its own appid).

    Kept up to date by record (docs/incremental.md, "Identity by record"): an incremental run
    extracts again the records that staging wrote since this model's newest `_built_at`, the
    receipts and coupons whose card may have changed programme, and the records extracted
    with another mini-program appid or default card programme; dbt replaces the stored rows
    of those records. A sighting a record no longer carries stays as a removed row
    (`is_removed`), so that a model reading the rows written since its own last build sees
    every identifier whose sightings changed. int_identity_sightings_extracted is the current
    rows. -#}
{%- set mini_program_appid = var('datong_identity_mini_program_appid') -%}
{%- set default_card_program = var('datong_identity_default_card_program') -%}
{#- The vars a row was extracted with: a record extracted with others is extracted again. -#}
{%- set extraction_settings = [mini_program_appid, default_card_program] | join('/') -%}
{{ config(**incremental_by_key(['source_model', 'source_record_id'])) }}
with

orders as (
    select
        order_id,
        platform,
        pickup_store_id,
        buyer_pseudonym,
        receiver_phone_pseudonym,
        receiver_phone_masked_pseudonym,
        receiver_consignee_pseudonym,
        created_at,
        _built_at
    from {{ ref('stg_ecommerce__orders') }}
),

wechat_users as (
    select
        wechat_user_id,
        appid,
        register_store_id,
        openid_pseudonym,
        unionid_pseudonym,
        phone_pseudonym,
        registered_at,
        updated_at,
        _built_at
    from {{ ref('stg_wechat__users') }}
),

location_shares as (
    select
        location_share_id,
        appid,
        openid_pseudonym,
        device_pseudonym,
        shared_at,
        _built_at
    from {{ ref('stg_wechat__location_shares') }}
),

receipts as (
    select
        receipt_id,
        store_id,
        member_card_pseudonym,
        customer_phone_pseudonym,
        txn_at,
        _built_at
    from {{ ref('stg_pos__receipts') }}
),

members as (
    select
        member_id,
        program,
        enrolled_store_id,
        member_card_pseudonym,
        phone_pseudonym,
        unionid_pseudonym,
        member_consignee_pseudonym,
        enrolled_at,
        updated_at,
        _built_at
    from {{ ref('stg_crm__members') }}
),

coupons as (
    select
        coupon_id,
        redeemed_store_id,
        issued_to_openid_pseudonym,
        issued_to_member_card_pseudonym,
        issued_at,
        _built_at
    from {{ ref('stg_marketing__coupons') }}
),

{# Receipts and coupons carry a card number without its programme: it is the programme that
    issued that number, when exactly one did. #}
card_programs as (
    select
        member_card_pseudonym,
        min(program) as card_program
    from members
    group by 1
    having count(distinct program) = 1
),

{% if is_incremental() %}
    {# The records to extract again: those staging wrote since this model's newest row, and
        the receipts and coupons that carry a card of a member written since (its programme,
        the scope of their card, may have changed). A member's card is read from its new
        row and from its stored sighting. #}
    stored as {{ not_materialized() }} (
        select * from {{ this }}
    ),

    records_extracted_with_other_settings as (
        select distinct
            source_model,
            source_record_id
        from stored
        where _extracted_with is distinct from '{{ extraction_settings }}'
    ),

    members_to_extract as (
        select * from members
        where
            {{ written_since_this() }}
            or member_id in (
                select stale.source_record_id from records_extracted_with_other_settings as stale
                where stale.source_model = 'stg_crm__members'
            )
    ),

    cards_to_rescope as (
        select member_card_pseudonym from members_to_extract
        where member_card_pseudonym is not null
        union
        select
            substring(
                stored.identifier_id,
                {{ dbt.length('stored.identifier_type') }}
                + {{ dbt.length('stored.identifier_scope') }} + 3
            ) as member_card_pseudonym
        from stored
        inner join members_to_extract
            on stored.source_record_id = members_to_extract.member_id
        where
            stored.source_model = 'stg_crm__members'
            and stored.carrier_column = 'member_card_pseudonym'
    ),

    orders_to_extract as (
        select * from orders
        where
            {{ written_since_this() }}
            or order_id in (
                select stale.source_record_id from records_extracted_with_other_settings as stale
                where stale.source_model = 'stg_ecommerce__orders'
            )
    ),

    wechat_users_to_extract as (
        select * from wechat_users
        where
            {{ written_since_this() }}
            or wechat_user_id in (
                select stale.source_record_id from records_extracted_with_other_settings as stale
                where stale.source_model = 'stg_wechat__users'
            )
    ),

    location_shares_to_extract as (
        select * from location_shares
        where
            {{ written_since_this() }}
            or location_share_id in (
                select stale.source_record_id from records_extracted_with_other_settings as stale
                where stale.source_model = 'stg_wechat__location_shares'
            )
    ),

    receipts_to_extract as (
        select * from receipts
        where
            {{ written_since_this() }}
            or member_card_pseudonym in (
                select cards_to_rescope.member_card_pseudonym from cards_to_rescope
            )
            or receipt_id in (
                select stale.source_record_id from records_extracted_with_other_settings as stale
                where stale.source_model = 'stg_pos__receipts'
            )
    ),

    coupons_to_extract as (
        select * from coupons
        where
            {{ written_since_this() }}
            or issued_to_member_card_pseudonym in (
                select cards_to_rescope.member_card_pseudonym from cards_to_rescope
            )
            or coupon_id in (
                select stale.source_record_id from records_extracted_with_other_settings as stale
                where stale.source_model = 'stg_marketing__coupons'
            )
    ),
{% else %}
    orders_to_extract as (
        select * from orders
    ),

    wechat_users_to_extract as (
        select * from wechat_users
    ),

    location_shares_to_extract as (
        select * from location_shares
    ),

    receipts_to_extract as (
        select * from receipts
    ),

    members_to_extract as (
        select * from members
    ),

    coupons_to_extract as (
        select * from coupons
    ),
{% endif %}

{# Each record is read once and crossed with the list of its carrier columns, so that the
    sightings of one record are written side by side (cheaper to store and to join back by
    record than one pass over the source per carrier). #}
order_carriers as (
    select carriers.carrier_column from (
        values
        ('buyer_pseudonym'),
        ('receiver_phone_pseudonym'),
        ('receiver_phone_masked_pseudonym'),
        ('receiver_consignee_pseudonym')
    ) as carriers (carrier_column)
),

wechat_user_carriers as (
    select carriers.carrier_column from (
        values ('openid_pseudonym'), ('unionid_pseudonym'), ('phone_pseudonym')
    ) as carriers (carrier_column)
),

location_share_carriers as (
    select carriers.carrier_column from (
        values ('openid_pseudonym'), ('device_pseudonym')
    ) as carriers (carrier_column)
),

receipt_carriers as (
    select carriers.carrier_column from (
        values ('member_card_pseudonym'), ('customer_phone_pseudonym')
    ) as carriers (carrier_column)
),

member_carriers as (
    select carriers.carrier_column from (
        values
        ('member_card_pseudonym'),
        ('phone_pseudonym'),
        ('unionid_pseudonym'),
        ('member_consignee_pseudonym')
    ) as carriers (carrier_column)
),

coupon_carriers as (
    select carriers.carrier_column from (
        values ('issued_to_openid_pseudonym'), ('issued_to_member_card_pseudonym')
    ) as carriers (carrier_column)
),

order_sightings as (
    select
        'stg_ecommerce__orders' as source_model,
        orders.order_id as source_record_id,
        order_carriers.carrier_column,
        case order_carriers.carrier_column
            when 'buyer_pseudonym'
                then case when orders.platform = 'wechat_mall' then 'openid' else 'buyer_id' end
            when 'receiver_phone_pseudonym' then 'phone'
            when 'receiver_phone_masked_pseudonym' then 'masked_phone'
            when 'receiver_consignee_pseudonym' then 'consignee'
        end as identifier_type,
        case
            when order_carriers.carrier_column <> 'buyer_pseudonym' then 'global'
            when orders.platform = 'wechat_mall' then '{{ mini_program_appid }}'
            else orders.platform
        end as identifier_scope,
        case order_carriers.carrier_column
            when 'buyer_pseudonym' then orders.buyer_pseudonym
            when 'receiver_phone_pseudonym' then orders.receiver_phone_pseudonym
            when 'receiver_phone_masked_pseudonym' then orders.receiver_phone_masked_pseudonym
            when 'receiver_consignee_pseudonym' then orders.receiver_consignee_pseudonym
        end as identifier_value,
        orders.pickup_store_id as store_id,
        orders.created_at as seen_at
    from orders_to_extract as orders
    cross join order_carriers
),

wechat_user_sightings as (
    select
        'stg_wechat__users' as source_model,
        wechat_users.wechat_user_id as source_record_id,
        wechat_user_carriers.carrier_column,
        case wechat_user_carriers.carrier_column
            when 'openid_pseudonym' then 'openid'
            when 'unionid_pseudonym' then 'unionid'
            when 'phone_pseudonym' then 'phone'
        end as identifier_type,
        case
            when wechat_user_carriers.carrier_column = 'openid_pseudonym'
                then wechat_users.appid
            else 'global'
        end as identifier_scope,
        case wechat_user_carriers.carrier_column
            when 'openid_pseudonym' then wechat_users.openid_pseudonym
            when 'unionid_pseudonym' then wechat_users.unionid_pseudonym
            when 'phone_pseudonym' then wechat_users.phone_pseudonym
        end as identifier_value,
        wechat_users.register_store_id as store_id,
        coalesce(wechat_users.registered_at, wechat_users.updated_at) as seen_at
    from wechat_users_to_extract as wechat_users
    cross join wechat_user_carriers
),

location_share_sightings as (
    select
        'stg_wechat__location_shares' as source_model,
        location_shares.location_share_id as source_record_id,
        location_share_carriers.carrier_column,
        case location_share_carriers.carrier_column
            when 'openid_pseudonym' then 'openid'
            when 'device_pseudonym' then 'device_id'
        end as identifier_type,
        case
            when location_share_carriers.carrier_column = 'openid_pseudonym'
                then location_shares.appid
            else 'global'
        end as identifier_scope,
        case location_share_carriers.carrier_column
            when 'openid_pseudonym' then location_shares.openid_pseudonym
            when 'device_pseudonym' then location_shares.device_pseudonym
        end as identifier_value,
        cast(null as {{ dbt.type_string() }}) as store_id,
        location_shares.shared_at as seen_at
    from location_shares_to_extract as location_shares
    cross join location_share_carriers
),

receipt_sightings as (
    select
        'stg_pos__receipts' as source_model,
        receipts.receipt_id as source_record_id,
        receipt_carriers.carrier_column,
        case receipt_carriers.carrier_column
            when 'member_card_pseudonym' then 'member_card'
            when 'customer_phone_pseudonym' then 'phone'
        end as identifier_type,
        case
            when receipt_carriers.carrier_column = 'member_card_pseudonym'
                then coalesce(card_programs.card_program, '{{ default_card_program }}')
            else 'global'
        end as identifier_scope,
        case receipt_carriers.carrier_column
            when 'member_card_pseudonym' then receipts.member_card_pseudonym
            when 'customer_phone_pseudonym' then receipts.customer_phone_pseudonym
        end as identifier_value,
        receipts.store_id,
        receipts.txn_at as seen_at
    from receipts_to_extract as receipts
    left join card_programs
        on receipts.member_card_pseudonym = card_programs.member_card_pseudonym
    cross join receipt_carriers
),

member_sightings as (
    select
        'stg_crm__members' as source_model,
        members.member_id as source_record_id,
        member_carriers.carrier_column,
        case member_carriers.carrier_column
            when 'member_card_pseudonym' then 'member_card'
            when 'phone_pseudonym' then 'phone'
            when 'unionid_pseudonym' then 'unionid'
            when 'member_consignee_pseudonym' then 'consignee'
        end as identifier_type,
        case
            when member_carriers.carrier_column = 'member_card_pseudonym' then members.program
            else 'global'
        end as identifier_scope,
        case member_carriers.carrier_column
            when 'member_card_pseudonym' then members.member_card_pseudonym
            when 'phone_pseudonym' then members.phone_pseudonym
            when 'unionid_pseudonym' then members.unionid_pseudonym
            when 'member_consignee_pseudonym' then members.member_consignee_pseudonym
        end as identifier_value,
        members.enrolled_store_id as store_id,
        coalesce(members.enrolled_at, members.updated_at) as seen_at
    from members_to_extract as members
    cross join member_carriers
),

coupon_sightings as (
    select
        'stg_marketing__coupons' as source_model,
        coupons.coupon_id as source_record_id,
        coupon_carriers.carrier_column,
        case coupon_carriers.carrier_column
            when 'issued_to_openid_pseudonym' then 'openid'
            when 'issued_to_member_card_pseudonym' then 'member_card'
        end as identifier_type,
        case
            when coupon_carriers.carrier_column = 'issued_to_openid_pseudonym'
                then '{{ mini_program_appid }}'
            else coalesce(card_programs.card_program, '{{ default_card_program }}')
        end as identifier_scope,
        case coupon_carriers.carrier_column
            when 'issued_to_openid_pseudonym' then coupons.issued_to_openid_pseudonym
            when 'issued_to_member_card_pseudonym' then coupons.issued_to_member_card_pseudonym
        end as identifier_value,
        coupons.redeemed_store_id as store_id,
        coupons.issued_at as seen_at
    from coupons_to_extract as coupons
    left join card_programs
        on coupons.issued_to_member_card_pseudonym = card_programs.member_card_pseudonym
    cross join coupon_carriers
),

all_sightings as (
    select * from order_sightings
    union all
    select * from wechat_user_sightings
    union all
    select * from location_share_sightings
    union all
    select * from receipt_sightings
    union all
    select * from member_sightings
    union all
    select * from coupon_sightings
),

{# The value is written once, inside `identifier_id`: a column of its own would repeat the
    widest part of the widest identity table (docs/scale.md, "Sightings without the value");
    `int_identifiers_screened` takes it back out, once per identifier. #}
identified as (
    select
        source_model,
        source_record_id,
        {{ dbt.concat(["identifier_type", "':'", "identifier_scope", "':'", "identifier_value"]) }}
            as identifier_id,
        carrier_column,
        identifier_type,
        identifier_scope,
        store_id,
        seen_at,
        false as is_removed,
        '{{ extraction_settings }}' as _extracted_with,
        {{ built_at() }} as _built_at
    from all_sightings
    where identifier_value is not null
),

{% if is_incremental() %}
    {# A stored row of an extracted record that is not extracted again (a card rescoped, a
        phone corrected, a carrier emptied) stays as removed; so does a removed one that did
        not come back. dbt deletes every stored row of the records selected here. #}
    extracted_records as (
        select
            'stg_ecommerce__orders' as source_model,
            order_id as source_record_id
        from orders_to_extract
        union all
        select
            'stg_wechat__users' as source_model,
            wechat_user_id as source_record_id
        from wechat_users_to_extract
        union all
        select
            'stg_wechat__location_shares' as source_model,
            location_share_id as source_record_id
        from location_shares_to_extract
        union all
        select
            'stg_pos__receipts' as source_model,
            receipt_id as source_record_id
        from receipts_to_extract
        union all
        select
            'stg_crm__members' as source_model,
            member_id as source_record_id
        from members_to_extract
        union all
        select
            'stg_marketing__coupons' as source_model,
            coupon_id as source_record_id
        from coupons_to_extract
    ),

    removed as (
        select
            stored.source_model,
            stored.source_record_id,
            stored.identifier_id,
            stored.carrier_column,
            stored.identifier_type,
            stored.identifier_scope,
            stored.store_id,
            stored.seen_at,
            true as is_removed,
            '{{ extraction_settings }}' as _extracted_with,
            {{ built_at() }} as _built_at
        from stored
        inner join extracted_records
            on
                stored.source_model = extracted_records.source_model
                and stored.source_record_id = extracted_records.source_record_id
        left join identified
            on
                stored.source_model = identified.source_model
                and stored.source_record_id = identified.source_record_id
                and stored.carrier_column = identified.carrier_column
                and stored.identifier_id = identified.identifier_id
        where identified.identifier_id is null
    ),

    final as (
        select * from identified
        union all
        select * from removed
    )
{% else %}
    final as (
        select * from identified
    )
{% endif %}

select * from final
