{#- dbt's built-in `unique` test, by way of a hash (it dispatches `test_unique` in the `dbt`
    namespace, where a macro of the root project comes first). The same result as dbt's own
    `select column, count(*) ... group by column having count(*) > 1` over the non-null
    values: only the values whose 64-bit hash occurs twice (`rows_of_repeated_hashes`) are
    grouped by value. At 1,000,000 persons that cuts the cost of the key tests on tables of
    millions of text keys by a third (docs/scale.md, "Key tests by hash"). -#}
{% macro default__test_unique(model, column_name) %}

with

candidates as (
    {{ datong.rows_of_repeated_hashes(model, [column_name], column_name ~ ' is not null') }}
)

select
    {{ column_name }} as unique_field,
    count(*) as n_records
from candidates
group by {{ column_name }}
having count(*) > 1

{% endmacro %}
