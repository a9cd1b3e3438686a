{#
    Fails for every combination of the given columns that occurs on more than one row (a
    composite key). Nulls compare equal here, as in `group by`.

    Rows are first grouped by a 64-bit hash of the combination (`row_hash`): only the rows of
    a hash seen twice can be duplicates, and they are few (the duplicates themselves, and the
    rare values that share a hash). Those rows alone are then grouped by their values, so the
    result is exactly the duplicated combinations, at a fraction of the cost of grouping
    millions of rows by several text columns.
#}
{% test unique_combination_of_columns(model, combination_of_columns) %}

{%- set column_list = combination_of_columns | join(', ') -%}

with

hashed as (
    select {{ datong.row_hash(combination_of_columns) }} as row_hash
    from {{ model }}
),

repeated_hashes as (
    select row_hash
    from hashed
    group by row_hash
    having count(*) > 1
),

candidates as (
    select {{ column_list }}
    from {{ model }}
    where {{ datong.row_hash(combination_of_columns) }} in (
        select repeated_hashes.row_hash from repeated_hashes
    )
),

duplicated as (
    select
        {{ column_list }},
        count(*) as row_count
    from candidates
    group by {{ column_list }}
    having count(*) > 1
)

select * from duplicated

{% endtest %}
