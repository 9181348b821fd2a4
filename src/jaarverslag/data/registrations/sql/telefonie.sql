-- telefonie (section Telefonische bereikbaarheid): per line and post (Hengelo, Enschede, and SHT as a
-- whole) the incoming calls, how many were answered and how many callers hung up first, and the
-- waiting time of the answered calls in seconds: median, P90 and P99.
-- A percentile is DuckDB's quantile_disc, the nearest rank: of the n sorted waiting times the one at
-- position ceil(q * n), i.e. the shortest time that at least a share q of the calls did not exceed (an
-- observed waiting time, never interpolated); empty without an answered call.
-- The share within each norm is the branchenormen table (one definition, branchenormen.sql).
WITH per AS (
    SELECT lijn, post, count(*) AS oproepen,
           count(*) FILTER (WHERE beantwoord) AS beantwoord,
           count(*) FILTER (WHERE NOT beantwoord) AS opgehangen,
           quantile_disc(wachttijd_s, 0.5) FILTER (WHERE beantwoord) AS mediaan_s,
           quantile_disc(wachttijd_s, 0.9) FILTER (WHERE beantwoord) AS p90_s,
           quantile_disc(wachttijd_s, 0.99) FILTER (WHERE beantwoord) AS p99_s
    FROM oproepen
    GROUP BY GROUPING SETS ((lijn, post), (lijn))
)
SELECT $jaar AS jaar, r.lijn, coalesce(r.post, 'SHT') AS post, r.oproepen, r.beantwoord, r.opgehangen,
       r.mediaan_s, r.p90_s, r.p99_s
FROM per r
JOIN volgorde l ON l.lijst = 'lijn' AND l.waarde = r.lijn
JOIN volgorde p ON p.lijst = 'post_hengelo_enschede_sht' AND p.waarde = coalesce(r.post, 'SHT')
ORDER BY l.positie, p.positie
