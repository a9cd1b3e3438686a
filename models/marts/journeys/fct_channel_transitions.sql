with

touchpoints as {{ not_materialized() }} (
    select * from {{ ref('fct_customer_touchpoints') }}
),

purchases as (
    select * from touchpoints
    where touchpoint_type = 'purchase'
),

purchases_sequenced as (
    select
        customer_id,
        order_id,
        store_id,
        channel,
        platform,
        is_pickup_in_store,
        occurred_at as ordered_at,
        row_number() over (
            partition by customer_id
            order by occurred_at asc, order_id asc
        ) as purchase_number,
        lag(order_id) over (
            partition by customer_id
            order by occurred_at asc, order_id asc
        ) as previous_order_id,
        lag(channel) over (
            partition by customer_id
            order by occurred_at asc, order_id asc
        ) as previous_channel,
        lag(store_id) over (
            partition by customer_id
            order by occurred_at asc, order_id asc
        ) as previous_store_id,
        lag(platform) over (
            partition by customer_id
            order by occurred_at asc, order_id asc
        ) as previous_platform,
        lag(is_pickup_in_store) over (
            partition by customer_id
            order by occurred_at asc, order_id asc
        ) as is_previous_pickup_in_store,
        lag(occurred_at) over (
            partition by customer_id
            order by occurred_at asc, order_id asc
        ) as previous_ordered_at
    from purchases
),

switches as (
    {# The window that may explain a switch runs from the previous purchase to the next one,
       but looks back no further than the lookback days before the next purchase. #}
    select
        *,
        case
            when previous_channel = 'online' then 'online_to_offline'
            else 'offline_to_online'
        end as direction,
        greatest(
            previous_ordered_at,
            {{ dbt.dateadd(
                'day', -1 * var('datong_journeys_lookback_days'), 'ordered_at'
            ) }}
        ) as window_start_at
    from purchases_sequenced
    where previous_channel is not null and previous_channel != channel
),

transitions_numbered as (
    select
        *,
        row_number() over (
            partition by customer_id
            order by ordered_at asc, order_id asc
        ) as transition_number
    from switches
),

window_events as (
    {# Events strictly after the window start and up to the next purchase: a coupon redeemed
       on the next purchase itself counts, one redeemed on the previous purchase does not. #}
    select
        transitions_numbered.order_id,
        sum(
            case
                when
                    touchpoints.touchpoint_type = 'coupon_claim'
                    and touchpoints.channel = transitions_numbered.channel
                    then 1
                else 0
            end
        ) as coupon_claim_count,
        sum(
            case
                when
                    touchpoints.touchpoint_type = 'coupon_redemption'
                    and touchpoints.channel = transitions_numbered.channel
                    then 1
                else 0
            end
        ) as coupon_redemption_count,
        sum(
            case
                when
                    touchpoints.touchpoint_type = 'wechat_registration'
                    and touchpoints.register_scene = 'store_qr'
                    then 1
                else 0
            end
        ) as store_qr_registration_count
    from transitions_numbered
    inner join touchpoints
        on
            transitions_numbered.customer_id = touchpoints.customer_id
            and transitions_numbered.window_start_at < touchpoints.occurred_at
            and transitions_numbered.ordered_at >= touchpoints.occurred_at
            and touchpoints.touchpoint_type in (
                'coupon_claim', 'coupon_redemption', 'wechat_registration'
            )
    group by 1
),

final as (
    select
        -- ids
        transitions_numbered.order_id as channel_transition_id,
        transitions_numbered.customer_id,
        transitions_numbered.previous_order_id,
        transitions_numbered.order_id as next_order_id,
        transitions_numbered.previous_store_id,
        transitions_numbered.store_id as next_store_id,

        -- strings
        transitions_numbered.direction,
        transitions_numbered.previous_channel,
        transitions_numbered.channel as next_channel,
        transitions_numbered.previous_platform,
        transitions_numbered.platform as next_platform,

        -- numerics
        cast(transitions_numbered.transition_number as bigint) as transition_number,
        cast(transitions_numbered.purchase_number as bigint) as next_purchase_number,
        cast(
            {{ dbt.datediff(
                'transitions_numbered.previous_ordered_at',
                'transitions_numbered.ordered_at',
                'day'
            ) }} as bigint
        ) as days_between,
        cast(coalesce(window_events.coupon_claim_count, 0) as bigint) as coupon_claim_count,
        cast(
            coalesce(window_events.coupon_redemption_count, 0) as bigint
        ) as coupon_redemption_count,
        cast(
            coalesce(window_events.store_qr_registration_count, 0) as bigint
        ) as store_qr_registration_count,

        -- booleans
        coalesce(window_events.coupon_claim_count, 0) > 0 as has_coupon_claim,
        coalesce(window_events.coupon_redemption_count, 0) > 0 as has_coupon_redemption,
        coalesce(window_events.store_qr_registration_count, 0) > 0 as has_store_qr_registration,
        transitions_numbered.is_previous_pickup_in_store,
        transitions_numbered.is_pickup_in_store as is_next_pickup_in_store,
        (
            transitions_numbered.direction = 'online_to_offline'
            and transitions_numbered.is_previous_pickup_in_store
        )
        or (
            transitions_numbered.direction = 'offline_to_online'
            and transitions_numbered.is_pickup_in_store
        ) as has_pickup_in_store,

        -- timestamps
        transitions_numbered.previous_ordered_at,
        transitions_numbered.ordered_at as next_ordered_at,
        transitions_numbered.window_start_at
    from transitions_numbered
    left join window_events
        on transitions_numbered.order_id = window_events.order_id
)

select * from final
