{#
    The consumer profile: spending power tier, buyer type and RFM, from the behaviour features
    of customers who consented to profiling. Every rule is a threshold in dbt_project.yml so
    an analyst can check a customer's class by hand from the columns of this row.
#}
{%- set bands = var('datong_profiles_spending_bands_yuan') -%}

with

behaviours as {{ not_materialized() }} (
    select * from {{ ref('int_customer_behaviours_aggregated') }}
),

signals_flagged as (
    select
        *,
        {# A share that cannot be computed (no purchases, one basket) is no signal. #}
        case
            when late_night_share >= {{ var('datong_profiles_impulsive_min_late_night_share') }}
                then 1
            else 0
        end
        + case
            when return_rate >= {{ var('datong_profiles_impulsive_min_return_rate') }} then 1
            else 0
        end
        + case
            when basket_cv >= {{ var('datong_profiles_impulsive_min_basket_cv') }} then 1
            else 0
        end
        + case
            when purchase_count >= {{ var('datong_profiles_impulsive_min_purchases') }} then 1
            else 0
        end as impulsive_signal_count,
        case
            when promo_window_share >= {{ var('datong_profiles_price_min_promo_window_share') }}
                then 1
            else 0
        end
        + case
            when coupon_share >= {{ var('datong_profiles_price_min_coupon_share') }} then 1
            else 0
        end
        + case
            when discount_share >= {{ var('datong_profiles_price_min_discount_share') }} then 1
            else 0
        end as price_signal_count
    from behaviours
),

buyer_types_classified as (
    select
        *,
        case
            when purchase_count = 0 then 'unclassified'
            when impulsive_signal_count >= {{ var('datong_profiles_impulsive_min_signals') }}
                then 'impulsive'
            when price_signal_count >= {{ var('datong_profiles_price_min_signals') }}
                then 'price_driven'
            when
                purchase_count <= {{ var('datong_profiles_conservative_max_purchases') }}
                and return_rate <= {{ var('datong_profiles_conservative_max_return_rate') }}
                and late_night_share
                <= {{ var('datong_profiles_conservative_max_late_night_share') }}
                then 'conservative'
            else 'regular'
        end as buyer_type,
        case
            when net_spend < {{ bands[0] }} then 'low'
            when net_spend < {{ bands[1] }} then 'medium'
            when net_spend < {{ bands[2] }} then 'high'
            else 'premium'
        end as spending_power_tier
    from signals_flagged
),

purchasers_ranked as (
    {# Quintile scores over the profiled customers with purchases. Ties share a score: the
       score is 1 + floor(5 * (rank - 1) / (n - 1)), capped at 5, so the lowest value scores
       1 and the highest 5. Exact decimals keep both engines on the same side of a bound. #}
    select
        customer_id,
        count(*) over () as purchaser_count,
        rank() over (order by recency_days desc) as recency_rank,
        rank() over (order by purchase_count asc) as frequency_rank,
        rank() over (order by net_spend asc) as monetary_rank
    from behaviours
    where purchase_count > 0
),

rfm_scored as (
    select
        customer_id,
        case
            when purchaser_count = 1 then 5
            else least(
                5,
                1 + cast(floor(
                    cast(5 * (recency_rank - 1) as decimal(18, 0))
                    / cast(purchaser_count - 1 as decimal(18, 0))
                ) as int)
            )
        end as recency_score,
        case
            when purchaser_count = 1 then 5
            else least(
                5,
                1 + cast(floor(
                    cast(5 * (frequency_rank - 1) as decimal(18, 0))
                    / cast(purchaser_count - 1 as decimal(18, 0))
                ) as int)
            )
        end as frequency_score,
        case
            when purchaser_count = 1 then 5
            else least(
                5,
                1 + cast(floor(
                    cast(5 * (monetary_rank - 1) as decimal(18, 0))
                    / cast(purchaser_count - 1 as decimal(18, 0))
                ) as int)
            )
        end as monetary_score
    from purchasers_ranked
),

profiles_joined as (
    select
        buyer_types_classified.*,
        rfm_scored.recency_score,
        rfm_scored.frequency_score,
        rfm_scored.monetary_score
    from buyer_types_classified
    left join rfm_scored
        on buyer_types_classified.customer_id = rfm_scored.customer_id
),

segments_labelled as (
    select
        *,
        case
            when recency_score is null then 'no_purchase'
            when recency_score >= 4 and frequency_score >= 4 and monetary_score >= 4
                then 'champions'
            when recency_score >= 3 and frequency_score >= 4 then 'loyal'
            when recency_score >= 4 and frequency_score <= 2 then 'new'
            when recency_score <= 2 and frequency_score >= 4 then 'cannot_lose'
            when recency_score <= 2 and frequency_score = 3 then 'at_risk'
            when recency_score <= 2 then 'hibernating'
            else 'potential'
        end as rfm_segment
    from profiles_joined
),

final as (
    select
        -- ids
        customer_id,

        -- strings
        spending_power_tier,
        buyer_type,
        rfm_segment,
        cast(
            {{ dbt.concat([
                "cast(recency_score as " ~ dbt.type_string() ~ ")",
                "cast(frequency_score as " ~ dbt.type_string() ~ ")",
                "cast(monetary_score as " ~ dbt.type_string() ~ ")",
            ]) }} as {{ dbt.type_string() }}
        ) as rfm_code,

        -- numerics
        purchase_count,
        return_event_count,
        net_spend,
        cast(discount_share as double) as discount_share,
        cast(full_price_share as double) as full_price_share,
        cast(coupon_share as double) as coupon_share,
        cast(promo_window_share as double) as promo_window_share,
        cast(late_night_share as double) as late_night_share,
        cast(return_rate as double) as return_rate,
        cast(basket_cv as double) as basket_cv,
        cast(impulsive_signal_count as int) as impulsive_signal_count,
        cast(price_signal_count as int) as price_signal_count,
        cast(recency_days as int) as recency_days,
        cast(recency_score as int) as recency_score,
        cast(frequency_score as int) as frequency_score,
        cast(monetary_score as int) as monetary_score,

        -- dates
        last_purchase_date,
        reference_date
    from segments_labelled
)

select * from final
