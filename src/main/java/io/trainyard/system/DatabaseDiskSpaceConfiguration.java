package io.trainyard.system;

import javax.sql.DataSource;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.boot.jdbc.DataSourceUnwrapper;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.support.JdbcUtils;
import org.springframework.web.servlet.HandlerInterceptor;
import org.springframework.web.servlet.config.annotation.InterceptorRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

import com.zaxxer.hikari.HikariConfigMXBean;
import com.zaxxer.hikari.HikariDataSource;

/**
 * The free-space guard of the embedded database ({@link DatabaseDiskSpace}) and where it is checked:
 * before every handler marked {@link StoresData}, and in readiness ({@code databaseDisk}). Declared
 * as beans of a plain configuration, not as components, so that controller slices, which have no
 * database, do not pick the check up.
 */
@Configuration(proxyBeanMethods = false)
class DatabaseDiskSpaceConfiguration {

    @Bean
    DatabaseDiskSpace databaseDiskSpace(DataSource dataSource, TrainyardProperties properties) {
        return DatabaseDiskSpace.of(
                jdbcUrl(dataSource), properties.limits().minFreeDisk().toBytes());
    }

    /** Refuses a request that would store something while the disk is below the minimum: 503, before its body is read. */
    @Bean
    WebMvcConfigurer databaseDiskSpaceCheck(DatabaseDiskSpace disk) {
        HandlerInterceptor check = new HandlerInterceptor() {
            @Override
            public boolean preHandle(HttpServletRequest request, HttpServletResponse response, Object handler) {
                if (DryRunQuery.effectfulCall(request, handler, StoresData.class)) {
                    disk.requireRoom();
                }
                return true;
            }
        };
        return new WebMvcConfigurer() {
            @Override
            public void addInterceptors(InterceptorRegistry registry) {
                // After the query check (a wrong request is 400 whatever else holds), before the quotas
                // and the full queue: no owner can store anything while the disk is short.
                registry.addInterceptor(check).order(-1);
            }
        };
    }

    @Bean("databaseDisk")
    DatabaseDiskHealth databaseDiskHealth(DatabaseDiskSpace disk) {
        return new DatabaseDiskHealth(disk);
    }

    private static String jdbcUrl(DataSource dataSource) {
        HikariDataSource pool =
                DataSourceUnwrapper.unwrap(dataSource, HikariConfigMXBean.class, HikariDataSource.class);
        if (pool != null) {
            return pool.getJdbcUrl();
        }
        try {
            return JdbcUtils.extractDatabaseMetaData(dataSource, meta -> meta.getURL());
        } catch (Exception unknown) {
            return null; // nothing guarded: the URL is not an H2 file database's as far as can be told
        }
    }
}
